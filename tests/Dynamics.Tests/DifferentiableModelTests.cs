// The bridges that put any IDynamics and ICost on the autodiff tape: the gradient of a summed rollout cost with
// respect to the controls and the initial state against central differences of the plain model, batching, and
// the typed errors of wrong shapes, of second-order requests and of states on a manifold.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Robots;
using Control.Tensors;

namespace Control.Dynamics.Tests;

public class DifferentiableModelTests
{
    private static IModelEnv ModelEnv(string name) => Envs.Make(name).Find<IModelEnv>()!;

    // A start state and controls inside the smooth region of the model (no force clipping).
    private static (double[] X0, double[] U) Point(IModelEnv env, int horizon, Rng rng)
    {
        int n = env.Dynamics.StateSize, m = env.Dynamics.ControlSize;
        var x0 = new double[n];
        for (int i = 0; i < n; i++) x0[i] = rng.Uniform(-1, 1);
        var u = new double[horizon * m];
        for (int k = 0; k < u.Length; k++) u[k] = 0.8 * rng.Uniform(env.Dynamics.ControlBounds.Low[k % m], env.Dynamics.ControlBounds.High[k % m]);
        return (x0, u);
    }

    // Sum over t of l(x_t, u_t) plus lf(x_H), on the tape through the bridges.
    private static Tensor TapeRolloutCost(IDifferentiableDynamics f, DifferentiableCost cost, Tensor x0, Tensor u)
    {
        Tensor x = x0, total = Tensor.Scalar(0.0, DType.Float64);
        for (int t = 0; t < u.Dim(0); t++)
        {
            Tensor ut = u.Narrow(0, t, 1);
            total = total + cost.Stage(x, ut).Sum();
            x = f.Step(x, ut);
        }
        return total + cost.Terminal(x).Sum();
    }

    // The same sum with the plain model, for finite differences.
    private static double PlainRolloutCost(IDynamics f, ICost cost, double[] x0, double[] u)
    {
        int n = f.StateSize, m = f.ControlSize;
        DynamicsWorkspace ws = f.CreateWorkspace();
        double[] x = (double[])x0.Clone(), next = new double[n];
        double total = 0;
        for (int t = 0; t < u.Length / m; t++)
        {
            ReadOnlySpan<double> ut = u.AsSpan(t * m, m);
            total += cost.Stage(x, ut);
            f.Step(ws, x, ut, next);
            (x, next) = (next, x);
        }
        return total + cost.Terminal(x);
    }

    [Theory]
    [InlineData("cartpole-swingup")]
    [InlineData("reacher2d")]
    public void RolloutCostGradientEqualsCentralDifferences(string name)
    {
        IModelEnv env = ModelEnv(name);
        const int horizon = 12;
        int n = env.Dynamics.StateSize, m = env.Dynamics.ControlSize;
        var rng = new Rng(5);
        for (int trial = 0; trial < 3; trial++)
        {
            (double[] x0, double[] u) = Point(env, horizon, rng);
            Tensor x0Tensor = Tensor.FromArray(x0, 1, n);
            Tensor uTensor = Tensor.FromArray(u, horizon, m);
            x0Tensor.RequiresGrad = true;
            uTensor.RequiresGrad = true;
            Tensor total = TapeRolloutCost(new DifferentiableDynamics(env.Dynamics), new DifferentiableCost(env.Cost), x0Tensor, uTensor);
            Assert.Equal(PlainRolloutCost(env.Dynamics, env.Cost, x0, u), total.Item(), 12);
            Tensor[] grads = Autograd.Grad(total, [x0Tensor, uTensor]);

            var numericX0 = new double[n];
            var numericU = new double[u.Length];
            FiniteDifferences.Gradient(z => PlainRolloutCost(env.Dynamics, env.Cost, z, u), x0, numericX0);
            FiniteDifferences.Gradient(z => PlainRolloutCost(env.Dynamics, env.Cost, x0, z), u, numericU);
            AssertRelativelyClose(numericX0, grads[0].ToDoubleArray(), 1e-6, $"{name} dJ/dx0, trial {trial}");
            AssertRelativelyClose(numericU, grads[1].ToDoubleArray(), 1e-6, $"{name} dJ/dU, trial {trial}");
        }
    }

    // Each element within tolerance of the gradient's scale (central differences carry ~1e-9 relative error).
    private static void AssertRelativelyClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1.0, expected.Max(Math.Abs));
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what} element {i}: finite differences {expected[i]:R}, bridge {actual[i]:R} (gradient scale {scale:G3})");
        }
    }

    [Fact]
    public void BatchedStepAndCostActRowByRowWithVectorJacobianProducts()
    {
        IModelEnv env = ModelEnv("reacher2d");
        IDynamics f = env.Dynamics;
        int n = f.StateSize, m = f.ControlSize, batch = 3;
        var rng = new Rng(9);
        Tensor x = Tensor.Uniform(rng, -1, 1, DType.Float64, batch, n);
        Tensor u = Tensor.Uniform(rng, -1.5, 1.5, DType.Float64, batch, m);
        Tensor g = Tensor.Uniform(rng, -1, 1, DType.Float64, batch, n);
        x.RequiresGrad = true;
        u.RequiresGrad = true;
        var bridge = new DifferentiableDynamics(f);
        Tensor next = bridge.Step(x, u);
        Tensor[] grads = Autograd.Grad(next, [x, u], g);

        double[] xs = x.ToDoubleArray(), us = u.ToDoubleArray(), gs = g.ToDoubleArray(), ys = next.ToDoubleArray();
        var expectedNext = new double[n];
        var fx = new double[n * n];
        var fu = new double[n * m];
        for (int b = 0; b < batch; b++)
        {
            f.Linearize(f.CreateWorkspace(), xs.AsSpan(b * n, n), us.AsSpan(b * m, m), expectedNext, fx, fu);
            for (int i = 0; i < n; i++) Assert.Equal(expectedNext[i], ys[b * n + i]);
            for (int j = 0; j < n; j++)
            {
                double gx = 0;
                for (int i = 0; i < n; i++) gx += fx[i * n + j] * gs[b * n + i];
                Assert.Equal(gx, grads[0][b * n + j], 12);
            }
            for (int j = 0; j < m; j++)
            {
                double gu = 0;
                for (int i = 0; i < n; i++) gu += fu[i * m + j] * gs[b * n + i];
                Assert.Equal(gu, grads[1][b * m + j], 12);
            }
        }

        var cost = new DifferentiableCost(env.Cost);
        Tensor stage = cost.Stage(x, u);
        Assert.Equal([batch], stage.ShapeArray());
        Tensor terminal = cost.Terminal(x);
        for (int b = 0; b < batch; b++)
        {
            Assert.Equal(env.Cost.Stage(xs.AsSpan(b * n, n), us.AsSpan(b * m, m)), stage[b]);
            Assert.Equal(env.Cost.Terminal(xs.AsSpan(b * n, n)), terminal[b]);
        }
    }

    [Fact]
    public void WrongShapesAndDtypesAreTypedErrors()
    {
        IModelEnv env = ModelEnv("cartpole-swingup");
        var f = new DifferentiableDynamics(env.Dynamics);
        var cost = new DifferentiableCost(env.Cost);
        Tensor x = Tensor.Zeros(DType.Float64, 2, 4), u = Tensor.Zeros(DType.Float64, 2, 1);

        var wrongWidth = Assert.Throws<TensorException>(() => f.Step(Tensor.Zeros(DType.Float64, 2, 3), u));
        Assert.Contains("(B, 4)", wrongWidth.Message);
        Assert.Contains("(2, 3)", wrongWidth.Message);
        var wrongBatch = Assert.Throws<TensorException>(() => f.Step(x, Tensor.Zeros(DType.Float64, 3, 1)));
        Assert.Contains("(2, 1)", wrongBatch.Message);
        Assert.Throws<TensorException>(() => f.Step(Tensor.Zeros(DType.Float32, 2, 4), u));
        Assert.Throws<TensorException>(() => f.Step(Tensor.Zeros(DType.Float64, 4), u));
        Assert.Throws<TensorException>(() => cost.Stage(x, Tensor.Zeros(DType.Float64, 2, 2)));
        Assert.Throws<TensorException>(() => cost.Terminal(Tensor.Zeros(DType.Float64, 2, 5)));
        Assert.Throws<ArgumentNullException>(() => new DifferentiableDynamics(null!));
    }

    [Fact]
    public void SecondDerivativesThroughTheBridgeAreRefused()
    {
        IModelEnv env = ModelEnv("cartpole-swingup");
        var f = new DifferentiableDynamics(env.Dynamics);
        Tensor x = Tensor.Uniform(new Rng(3), -1, 1, DType.Float64, 1, 4);
        x.RequiresGrad = true;
        Tensor u = Tensor.Zeros(DType.Float64, 1, 1);
        var e = Assert.Throws<TensorException>(() => Autograd.Grad(f.Step(x, u).Square().Sum(), [x], createGraph: true));
        Assert.Contains("first derivatives only", e.Message);
    }

    [Fact]
    public void ModelsAndCostsOnAStateManifoldAreRefused()
    {
        IModelEnv env = ModelEnv("cartpole-swingup");
        var wrapped = new OnAngleSpace(env.Dynamics, env.Cost);
        var e = Assert.Throws<UnsupportedStateSpaceException>(() => new DifferentiableDynamics(wrapped));
        Assert.Contains(nameof(OnAngleSpace), e.Message);
        Assert.Contains(nameof(EuclideanStateSpace), e.Message);
        Assert.Throws<UnsupportedStateSpaceException>(() => new DifferentiableCost(wrapped));
    }

    // The model and cost of an env, claiming a state space whose first coordinate is an angle (wrapped differences):
    // same sizes as R^n, but not Euclidean.
    private sealed class OnAngleSpace(IDynamics dynamics, ICost cost) : IDynamics, ICost, IStateSpace
    {
        public int StateSize => dynamics.StateSize;

        public int ControlSize => dynamics.ControlSize;

        public IStateSpace StateSpace => this;

        public int Size => dynamics.StateSize;

        public int TangentSize => dynamics.StateSize;

        public double TimeStep => dynamics.TimeStep;

        public Box ControlBounds => dynamics.ControlBounds;

        public DynamicsWorkspace CreateWorkspace() => dynamics.CreateWorkspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next) => dynamics.Step(workspace, x, u, next);

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
            => dynamics.Linearize(workspace, x, u, next, fx, fu);

        public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => cost.Stage(x, u);

        public double Terminal(ReadOnlySpan<double> x) => cost.Terminal(x);

        public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d) => cost.StageDerivatives(x, u, d);

        public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d) => cost.TerminalDerivatives(x, d);

        public void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result)
        {
            for (int i = 0; i < Size; i++) result[i] = x[i] + dx[i];
        }

        public void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx)
        {
            for (int i = 0; i < Size; i++) dx[i] = x1[i] - x0[i];
            dx[0] = Math.IEEERemainder(dx[0], 2 * Math.PI);
        }
    }
}
