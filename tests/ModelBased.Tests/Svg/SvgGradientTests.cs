using Control.Core;
using Control.Core.Envs;
using Control.Dynamics;
using Control.Dynamics.Learned;
using Control.ModelBased.Svg;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Tests.Svg;

// The SVG(1) and SVG(inf) policy gradients against central finite differences of the same frozen-noise objective
// (float64 policy, value and model), and SVG(inf) on a linear system with a quadratic cost against the gradient of the
// trajectory cost computed by hand (the adjoint recursion).
public class SvgGradientTests
{
    private const int N = 2, M = 1, Batch = 5;
    private static readonly Box Bounds = Box.Uniform(1, -2, 2);
    private static readonly QuadraticCost Cost = new([1.0, 0, 0, 0.1], [0.01], [1.0, 0, 0, 0.1]);

    private static double[] Random(Rng rng, int count, double scale) => Enumerable.Range(0, count).Select(_ => scale * rng.Normal()).ToArray();

    // A float64 MLP model fitted for a few epochs on transitions of a damped linear system: smooth, and not the truth.
    private static MlpDynamics Model()
    {
        var rng = new Rng(4);
        const int count = 200;
        double[] x = Random(rng, count * N, 1), u = Random(rng, count * M, 1), next = new double[count * N];
        for (int i = 0; i < count; i++)
        {
            next[i * N] = x[i * N] + 0.1 * x[i * N + 1];
            next[i * N + 1] = 0.95 * x[i * N + 1] + 0.1 * Math.Sin(x[i * N]) + 0.1 * u[i];
        }
        var model = new MlpDynamics(N, M, Bounds, new MlpDynamicsConfig { Hidden = [8], Epochs = 3, HoldoutFraction = 0, Precision = DType.Float64, PeriodicStates = [0] });
        model.Fit(x, u, next, count);
        return model;
    }

    private static void AssertGradientMatchesFiniteDifferences(Module module, Func<Tensor> objective, double tolerance = 1e-6)
    {
        module.ZeroGrad();
        objective().Backward();
        int checkedElements = 0;
        foreach ((string name, Tensor p) in module.NamedParameters())
        {
            double[] grad = p.Grad!.ToDoubleArray();
            Span<double> values = p.Span<double>();
            for (int i = 0; i < values.Length; i++)
            {
                double original = values[i];
                const double h = 1e-6;
                values[i] = original + h;
                double plus;
                using (Autograd.NoGrad()) plus = objective().Item();
                values[i] = original - h;
                double minus;
                using (Autograd.NoGrad()) minus = objective().Item();
                values[i] = original;
                double numeric = (plus - minus) / (2 * h);
                Assert.True(Math.Abs(numeric - grad[i]) <= tolerance * Math.Max(1, Math.Abs(numeric)),
                    $"{name}[{i}]: backward {grad[i]}, finite differences {numeric}");
                checkedElements++;
            }
        }
        Assert.True(checkedElements > 20);
    }

    [Fact]
    public void SvgOnePolicyGradientMatchesFiniteDifferencesOfTheFrozenNoiseObjective()
    {
        var rng = new Rng(1);
        MlpDynamics model = Model();
        var actor = new SvgActor(N, Bounds, [0], [6, 5], Activation.Tanh, rng.Fork(1));
        var value = new SvgValue(N, [0], [6], Activation.Tanh, rng.Fork(2));
        foreach (Tensor p in value.Parameters()) p.RequiresGrad = false;
        var cost = new DifferentiableCost(Cost);
        Tensor states = Tensor.FromArray(Random(rng, Batch * N, 1), Batch, N);
        Tensor noise = Tensor.FromArray(Random(rng, Batch * M, 1), Batch, M);
        Tensor zeta = Tensor.FromArray(Random(rng, Batch * N, 0.05), Batch, N);
        Tensor discount = Tensor.FromArray([0.99, 0.99, 0, 0.99, 0.99], Batch, 1);
        Tensor weights = Tensor.FromArray([1.0, 0.5, 2, 1, 0.2], Batch, 1);
        Tensor Objective()
        {
            (Tensor actions, Tensor negativeLogProb) = actor.ActWithEntropy(states, noise);
            return SvgObjectives.OneStep(states, actions, model, cost, value.Forward, zeta, discount, weights) + 0.1 * negativeLogProb.Mean();
        }
        AssertGradientMatchesFiniteDifferences(actor, Objective);
    }

    // With a reward scale c the one-step objective is mean_i w_i (-c l_i + discount_i V(f(s_i, a_i) + zeta_i)): the sum
    // of its parts computed apart; the default scale is 1.
    [Fact]
    public void SvgOneObjectiveScalesTheRewardTermOnly()
    {
        var rng = new Rng(6);
        MlpDynamics model = Model();
        var value = new SvgValue(N, [0], [6], Activation.Tanh, rng.Fork(1));
        var cost = new DifferentiableCost(Cost);
        using var noGrad = Autograd.NoGrad();
        Tensor states = Tensor.FromArray(Random(rng, Batch * N, 1), Batch, N);
        Tensor actions = Tensor.FromArray(Random(rng, Batch * M, 1), Batch, M);
        Tensor zeta = Tensor.FromArray(Random(rng, Batch * N, 0.05), Batch, N);
        double[] d = [0.99, 0.99, 0, 0.99, 0.99], w = [1.0, 0.5, 2, 1, 0.2];
        double[] l = cost.Stage(states, actions).ToDoubleArray();
        double[] v = value.Forward(model.Step(states, actions) + zeta).ToDoubleArray();
        double Expected(double c) => Enumerable.Range(0, Batch).Average(i => w[i] * (-c * l[i] + d[i] * v[i]));
        double Objective(double? c)
        {
            Tensor discount = Tensor.FromArray(d, Batch, 1), weights = Tensor.FromArray(w, Batch, 1);
            return c is double scale
                ? SvgObjectives.OneStep(states, actions, model, cost, value.Forward, zeta, discount, weights, scale).Item()
                : SvgObjectives.OneStep(states, actions, model, cost, value.Forward, zeta, discount, weights).Item();
        }
        Assert.Equal(Expected(0.3), Objective(0.3), 12);
        Assert.Equal(Expected(1), Objective(null), 12);
        Assert.True(Math.Abs(Expected(0.3) - Expected(1)) > 1e-3, "the cost term should matter");
    }

    [Fact]
    public void SvgOneValueLossGradientMatchesFiniteDifferences()
    {
        var rng = new Rng(5);
        var value = new SvgValue(N, [0], [6, 5], Activation.Tanh, rng.Fork(1));
        Tensor states = Tensor.FromArray(Random(rng, Batch * N, 1), Batch, N);
        Tensor targets = Tensor.FromArray(Random(rng, Batch, 3), Batch, 1);
        Tensor weights = Tensor.FromArray([1.0, 0.5, 2, 1, 0.2], Batch, 1);
        AssertGradientMatchesFiniteDifferences(value, () => SvgObjectives.ValueLoss(value.Forward, states, targets, weights));
    }

    [Fact]
    public void SvgInfinityPolicyGradientMatchesFiniteDifferencesOfTheFrozenNoiseObjective()
    {
        var rng = new Rng(2);
        MlpDynamics model = Model();
        var actor = new SvgActor(N, Bounds, [0], [6, 5], Activation.Tanh, rng.Fork(1));
        var cost = new DifferentiableCost(Cost);
        const int steps = 6;
        Tensor initial = Tensor.FromArray(Random(rng, Batch * N, 1), Batch, N);
        Tensor[] noise = [.. Enumerable.Range(0, steps).Select(_ => Tensor.FromArray(Random(rng, Batch * M, 1), Batch, M))];
        Tensor[] zeta = [.. Enumerable.Range(0, steps).Select(_ => Tensor.FromArray(Random(rng, Batch * N, 0.05), Batch, N))];
        Tensor[] alive = [.. Enumerable.Range(0, steps).Select(t => Tensor.FromArray(Enumerable.Range(0, Batch).Select(b => t < 3 + b ? 1.0 : 0.0).ToArray(), Batch, 1))];
        Tensor Objective() => SvgObjectives.Trajectory(actor.Act, model, cost, initial, noise, zeta, 0.95, alive);
        AssertGradientMatchesFiniteDifferences(actor, Objective);
    }

    // x' = A x + B u + w, l = x'Qx/2 + u'Ru/2, u = K x + sigma eta: with the true model the inferred zeta are the
    // disturbances w, and dJ/dK of J = -sum_t gamma^t l_t follows from the adjoint p_t = dJ/dx_t:
    //   p_t = -gamma^t (Q x_t + K' R u_t) + (A + B K)' p_{t+1},  p_T = 0,
    //   dJ/dK = sum_t (-gamma^t R u_t + B' p_{t+1}) x_t'.
    [Fact]
    public void SvgInfinityGradientOnALinearQuadraticProblemEqualsTheAnalyticGradient()
    {
        double[] a = [1.0, 0.1, -0.2, 0.9], b = [0.0, 0.1];
        double[] q = [1.0, 0.2, 0.2, 0.5];
        const double r = 0.3, sigma = 0.4, gamma = 0.97;
        const int steps = 12;
        var dynamics = new LinearDynamics(a, b, N);
        var cost = new QuadraticCost(q, [r], [0.0, 0, 0, 0]);
        var rng = new Rng(3);
        double[] k = [-0.5, -0.8];
        // The recorded trajectory of the real, disturbed system.
        var x = new double[steps + 1, N];
        var u = new double[steps];
        var eta = new double[steps];
        var w = new double[steps, N];
        x[0, 0] = 1.2;
        x[0, 1] = -0.4;
        for (int t = 0; t < steps; t++)
        {
            eta[t] = rng.Normal();
            u[t] = k[0] * x[t, 0] + k[1] * x[t, 1] + sigma * eta[t];
            w[t, 0] = 0.05 * rng.Normal();
            w[t, 1] = 0.05 * rng.Normal();
            for (int i = 0; i < N; i++) x[t + 1, i] = a[i * N] * x[t, 0] + a[i * N + 1] * x[t, 1] + b[i] * u[t] + w[t, i];
        }
        // SVG(inf) on the tape: zeta inferred from the record through the known model.
        var states = new double[steps * N];
        var next = new double[steps * N];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < N; i++)
            {
                states[t * N + i] = x[t, i];
                next[t * N + i] = x[t + 1, i];
            }
        }
        var differentiable = new DifferentiableDynamics(dynamics);
        double[] zeta = SvgObjectives.ModelNoise(differentiable, states, u, next, steps);
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < N; i++) Assert.Equal(w[t, i], zeta[t * N + i], 12);
        }
        Tensor gain = Tensor.FromArray(k, N, 1);
        gain.RequiresGrad = true;
        Tensor Act(Tensor s, Tensor noise) => Tensor.MatMul(s, gain) + sigma * noise;
        Tensor objective = SvgObjectives.Trajectory(Act, differentiable, new DifferentiableCost(cost), Tensor.FromArray([x[0, 0], x[0, 1]], 1, N),
            [.. Enumerable.Range(0, steps).Select(t => Tensor.FromArray([eta[t]], 1, 1))],
            [.. Enumerable.Range(0, steps).Select(t => Tensor.FromArray([zeta[t * N], zeta[t * N + 1]], 1, N))], gamma);
        objective.Backward();
        double[] tape = gain.Grad!.ToDoubleArray();

        var p = new double[N];
        var analytic = new double[N];
        for (int t = steps - 1; t >= 0; t--)
        {
            double discount = Math.Pow(gamma, t);
            double du = -discount * r * u[t] + b[0] * p[0] + b[1] * p[1];
            for (int j = 0; j < N; j++) analytic[j] += du * x[t, j];
            var qx = new double[N];
            for (int i = 0; i < N; i++) qx[i] = q[i * N] * x[t, 0] + q[i * N + 1] * x[t, 1];
            var pNew = new double[N];
            for (int j = 0; j < N; j++)
            {
                double closedLoop = 0;
                for (int i = 0; i < N; i++) closedLoop += (a[i * N + j] + b[i] * k[j]) * p[i];
                pNew[j] = -discount * (qx[j] + k[j] * r * u[t]) + closedLoop;
            }
            p = pNew;
        }
        for (int j = 0; j < N; j++) Assert.Equal(analytic[j], tape[j], 10);
    }
}
