// GridDiscretization: interpolation weights reproduce linear functions (so a linear system's expected next vertex
// is its true successor), periodic axes wrap across the seam, successors outside the box are clamped, bad grids
// are refused, and value iteration on a 41 x 41 discretized pendulum swings the real pendulum up.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Planning.Tabular;
using Control.Robots;

namespace Control.Planning.Tests.Tabular;

public class TabularGridTests
{
    private static IModelEnv ModelEnv(string name, long seed = 0) => Envs.Make(name, seed).Find<IModelEnv>()!;

    [Fact]
    public void InterpolationReproducesLinearFunctionsAndWrapsPeriodicAxes()
    {
        IModelEnv env = ModelEnv("pendulum");
        var grid = new GridDiscretization(env.Dynamics, env.Cost,
            [new GridAxis(-Math.PI, Math.PI, 12, Periodic: true), new GridAxis(-8, 8, 9)], [[0.0]]);
        var vertices = new int[grid.CornerCount];
        var weights = new double[grid.CornerCount];
        var vertex = new double[2];
        var rng = new Rng(7);
        for (int trial = 0; trial < 200; trial++)
        {
            double[] x = [rng.Uniform(-10, 10), rng.Uniform(-12, 12)];
            grid.Interpolate(x, vertices, weights);
            Assert.Equal(1.0, weights.Sum(), 12);
            Assert.All(weights, w => Assert.InRange(w, 0, 1));
            // The velocity axis is linear: the weighted vertices give the clamped coordinate back. The angle axis is
            // periodic: the weighted unit vectors (cos, sin) of the corners point the same way as x's angle.
            double velocity = 0, cos = 0, sin = 0;
            for (int c = 0; c < grid.CornerCount; c++)
            {
                grid.VertexState(vertices[c], vertex);
                velocity += weights[c] * vertex[1];
                cos += weights[c] * Math.Cos(vertex[0]);
                sin += weights[c] * Math.Sin(vertex[0]);
            }
            Assert.Equal(Math.Clamp(x[1], -8, 8), velocity, 10);
            Assert.True(Math.Abs(Math.IEEERemainder(Math.Atan2(sin, cos) - x[0], 2 * Math.PI)) < 0.01,
                $"angle {x[0]} interpolated towards {Math.Atan2(sin, cos)}");
        }

        // Just below +pi the cell straddles the seam: its corners are the last angle vertex and the first (-pi).
        grid.Interpolate([Math.PI - 0.1, 0], vertices, weights);
        var angles = vertices.Select(v => { grid.VertexState(v, vertex); return vertex[0]; }).Distinct().Order().ToArray();
        Assert.Equal([-Math.PI, Math.PI - 2 * Math.PI / 12], angles, new ToleranceComparer(1e-12));
    }

    [Fact]
    public void LinearDynamicsMoveToTheirTrueSuccessorInExpectation()
    {
        // The double integrator is linear, so sum_s' P(s' | s, a) s' equals f(s, a) clamped into the box, exactly.
        IModelEnv env = ModelEnv("double-integrator");
        GridAxis[] axes = [new GridAxis(-1, 1, 11), new GridAxis(-1, 1, 7)];
        double[][] controls = [[-1.0], [0.0], [0.5]];
        var grid = new GridDiscretization(env.Dynamics, env.Cost, axes, controls);
        TabularModel model = grid.Model;
        Assert.Equal(77, model.StateCount);
        Assert.Equal(3, model.ActionCount);
        DynamicsWorkspace workspace = env.Dynamics.CreateWorkspace();
        var x = new double[2];
        var next = new double[2];
        var vertex = new double[2];
        for (int s = 0; s < model.StateCount; s++)
        {
            grid.VertexState(s, x);
            for (int a = 0; a < controls.Length; a++)
            {
                env.Dynamics.Step(workspace, x, controls[a], next);
                int row = s * controls.Length + a;
                double p0 = 0, p1 = 0, total = 0;
                for (int k = model.RowStart[row]; k < model.RowStart[row + 1]; k++)
                {
                    grid.VertexState(model.Successors[k], vertex);
                    p0 += model.Probabilities[k] * vertex[0];
                    p1 += model.Probabilities[k] * vertex[1];
                    total += model.Probabilities[k];
                    Assert.Equal(-env.Cost.Stage(x, controls[a]), model.Rewards[k], 12);
                }
                Assert.Equal(1.0, total, 12);
                Assert.Equal(Math.Clamp(next[0], -1, 1), p0, 12);
                Assert.Equal(Math.Clamp(next[1], -1, 1), p1, 12);
            }
        }
    }

    [Fact]
    public void BadGridsAreRefused()
    {
        IModelEnv env = ModelEnv("pendulum");
        GridAxis[] good = [new GridAxis(-Math.PI, Math.PI, 8, Periodic: true), new GridAxis(-8, 8, 5)];
        double[][] torques = [[-2.0], [2.0]];
        Assert.Contains("one axis per state dimension (2), got 1",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, good[..1], torques)).Message);
        Assert.Contains("expected at least 2",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, [good[0], new GridAxis(-8, 8, 1)], torques)).Message);
        Assert.Contains("Low < High",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, [good[0], new GridAxis(8, -8, 5)], torques)).Message);
        Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, [good[0], new GridAxis(double.NaN, 8, 5)], torques));
        Assert.Contains("at least one control",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, good, [])).Message);
        Assert.Contains("control 1 has length 2; expected 1",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, good, [[0.0], [1.0, 1.0]])).Message);
        Assert.Contains("within Box(-2, 2, (1,))",
            Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, good, [[3.0]])).Message);
        Assert.Throws<ArgumentException>(() => new GridDiscretization(env.Dynamics, env.Cost, good, [[double.NaN]]));

        var grid = new GridDiscretization(env.Dynamics, env.Cost, good, torques);
        Assert.Throws<ArgumentException>(() => grid.Interpolate([double.NaN, 0], new int[4], new double[4]));
        Assert.Throws<ArgumentException>(() => grid.Interpolate([0, 0], new int[3], new double[4]));
        TabularSolution wrongSize = new ValueIteration().Solve(new TabularModel.Builder(1, 1).SetRow(0, 0, [0], [1], [0]).Build());
        Assert.Contains("expected the grid's S=40, A=2", Assert.Throws<ArgumentException>(() => grid.CreatePolicy(wrongSize)).Message);
    }

    [Fact]
    public void ValueIterationOnADiscretizedPendulumSwingsUpAndHolds()
    {
        IModelEnv model = ModelEnv("pendulum");
        var grid = new GridDiscretization(model.Dynamics, model.Cost,
            [new GridAxis(-Math.PI, Math.PI, 41, Periodic: true), new GridAxis(-8, 8, 41)],
            [[-2.0], [-1.0], [0.0], [1.0], [2.0]]);
        TabularSolution solution = new ValueIteration(new TabularConfig { Discount = 0.98, Tolerance = 1e-6 }).Solve(grid.Model);
        Assert.True(solution.Converged, $"residual {solution.Residual} after {solution.Iterations} sweeps");

        // Policy iteration (iterative evaluation at this size) reaches the same values within VI's error bound.
        var policyIteration = new PolicyIteration(new TabularConfig { Discount = 0.98, Tolerance = 1e-6 });
        Assert.False(policyIteration.EvaluatesExactly(grid.VertexCount));
        TabularSolution piSolution = policyIteration.Solve(grid.Model);
        Assert.True(piSolution.Converged);
        double bound = 0.98 / (1 - 0.98) * 1e-6 + 1e-6;
        for (int s = 0; s < grid.VertexCount; s++) Assert.True(Math.Abs(piSolution.Values[s] - solution.Values[s]) <= bound, $"V({s})");

        GridPolicy policy = grid.CreatePolicy(solution);
        double[] probe = [0.3, 1.0], torque = new double[1];
        policy.Act(probe, torque);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) policy.Act(probe, torque);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - allocatedBefore < 1000, "Act should allocate nothing per call");
        foreach (long seed in new long[] { 0, 1, 2 })
        {
            IEnv env = Envs.Make("pendulum", seed);
            IModelEnv pendulum = env.Find<IModelEnv>()!;
            env.Reset(seed);
            var state = new double[2];
            var action = new double[1];
            var angles = new List<double>();
            for (int t = 0; t < 200; t++)
            {
                pendulum.GetState(state);
                policy.Act(state, action);
                env.Step(action);
                pendulum.GetState(state);
                angles.Add(Math.Abs(Math.IEEERemainder(state[0], 2 * Math.PI)));
            }
            Assert.True(angles.TakeLast(20).All(a => a < 0.2),
                $"seed {seed}: last angles [{string.Join(", ", angles.TakeLast(20).Select(a => a.ToString("F3")))}]");
        }
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
