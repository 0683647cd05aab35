// The stochastic policy of SVG(1) and SVG(inf) (Heess et al. 2015, "Learning Continuous Control Policies by
// Stochastic Value Gradients"): a = pi(s, eta; theta) = mid + half * tanh(mean(s) + std(s) * eta), eta ~ N(0, I),
// a deterministic function of the state and a noise, so that a return can be differentiated through it with the
// noise held fixed. The squash keeps every action in the robot's control box. Given a recorded action the noise is
// inferred exactly, eta = (atanh((a - mid) / half) - mean(s)) / std(s): the policy with that eta reproduces the action.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.ModelBased.Svg;

/// <summary>A tanh-squashed Gaussian policy over the state (float64), with a state-dependent log-std.</summary>
public sealed class SvgActor : Module
{
    // Inferred noises of actions on the box's edge stay finite: tanh is at most 1 - 1e-12 here (|u| <= ~14).
    private const double EdgeMargin = 1e-12;
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly StateFeatures features;
    private readonly Sequential net;
    private readonly Tensor mid, half;
    private readonly double[] midValues, halfValues;

    /// <summary>
    /// A policy over states of <paramref name="stateSize"/> values (angles at <paramref name="angles"/>) into the bounded
    /// box <paramref name="controlBounds"/>; with <paramref name="anglesOnly"/> its input takes the sine and cosine of the
    /// angles alone (<see cref="StateFeatures"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The box is unbounded.</exception>
    public SvgActor(int stateSize, Box controlBounds, IReadOnlyList<int> angles, int[] hidden, Activation activation, Rng rng, bool anglesOnly = false)
    {
        ArgumentNullException.ThrowIfNull(controlBounds);
        if (!controlBounds.IsBounded) throw new ArgumentException($"SVG: expected a bounded control box, got {controlBounds.Describe()}.");
        features = new StateFeatures(stateSize, angles, anglesOnly);
        ControlBounds = controlBounds;
        ActionSize = controlBounds.FlatSize;
        net = RegisterModule("net", Mlp.Create(features.Size, hidden, 2 * ActionSize, rng, activation, dtype: DType.Float64));
        features.Prune(net);
        double[] low = controlBounds.Low.ToArray(), high = controlBounds.High.ToArray();
        midValues = low.Select((l, i) => 0.5 * (l + high[i])).ToArray();
        halfValues = low.Select((l, i) => 0.5 * (high[i] - l)).ToArray();
        using (TensorScope.Suspend())
        {
            mid = Tensor.FromArray(midValues, 1, ActionSize);
            half = Tensor.FromArray(halfValues, 1, ActionSize);
        }
    }

    /// <summary>n.</summary>
    public int StateSize => features.StateSize;

    /// <summary>m.</summary>
    public int ActionSize { get; }

    /// <summary>The box actions lie in.</summary>
    public Box ControlBounds { get; }

    /// <summary>The mean (B, m) and the clamped log-std (B, m) of the Gaussian before the squash.</summary>
    public (Tensor Mean, Tensor LogStd) Gaussian(Tensor states)
    {
        Tensor output = net.Forward(features.Of(states));
        return (output.Narrow(1, 0, ActionSize), output.Narrow(1, ActionSize, ActionSize).Clamp(ActionHead.MinLogStd, ActionHead.MaxLogStd));
    }

    /// <summary>pi(s, eta) (B, m) for states (B, n) and noises (B, m), on the tape.</summary>
    public Tensor Act(Tensor states, Tensor noise)
    {
        (Tensor mean, Tensor logStd) = Gaussian(states);
        return mid + half * (mean + logStd.Exp() * noise).Tanh();
    }

    /// <summary>
    /// pi(s, eta) (B, m) and the part of -log pi(a | s) that depends on theta at a fixed eta (B):
    /// sum_j log std_j(s) + log(half_j (1 - tanh(u_j)^2)), u = mean + std * eta (the density of the squashed action on
    /// the box without the constant eta^2 / 2 + log sqrt(2 pi)): a differentiable entropy estimate.
    /// </summary>
    public (Tensor Action, Tensor NegativeLogProb) ActWithEntropy(Tensor states, Tensor noise)
    {
        (Tensor mean, Tensor logStd) = Gaussian(states);
        Tensor squashed = (mean + logStd.Exp() * noise).Tanh();
        Tensor logJacobian = (half * (1.0 - squashed.Square()) + 1e-9).Log();
        return (mid + half * squashed, (logStd + logJacobian).Sum(1));
    }

    /// <summary>The deterministic action mid + half * tanh(mean(s)), (B, m).</summary>
    public override Tensor Forward(Tensor states) => mid + half * Gaussian(states).Mean.Tanh();

    /// <summary>
    /// The noises (B x m, row-major) under which the policy gives the recorded <paramref name="actions"/> (B x m) at
    /// <paramref name="states"/> (B x n), and the log-density log pi(a | s) of each action (B) on the box.
    /// </summary>
    public void InferNoise(ReadOnlySpan<double> states, ReadOnlySpan<double> actions, Span<double> noise, Span<double> logProb)
    {
        int b = logProb.Length, m = ActionSize;
        if (states.Length != b * StateSize || actions.Length != b * m || noise.Length != b * m)
            throw new ArgumentException($"SVG: expected {b} states of {StateSize}, actions and noises of {m}; got {states.Length}, {actions.Length} and {noise.Length} values.");
        double[] means, logStds;
        using (TensorScope.Begin())
        using (Autograd.NoGrad())
        {
            (Tensor mean, Tensor logStd) = Gaussian(Tensor.FromArray(states.ToArray(), b, StateSize));
            means = mean.ToDoubleArray();
            logStds = logStd.ToDoubleArray();
        }
        for (int i = 0; i < b; i++)
        {
            double sum = 0;
            for (int j = 0; j < m; j++)
            {
                int k = i * m + j;
                double y = Math.Clamp((actions[k] - midValues[j]) / halfValues[j], -1 + EdgeMargin, 1 - EdgeMargin);
                double eta = (Math.Atanh(y) - means[k]) / Math.Exp(logStds[k]);
                noise[k] = eta;
                sum += -0.5 * eta * eta - HalfLogTwoPi - logStds[k] - Math.Log(halfValues[j] * (1 - y * y));
            }
            logProb[i] = sum;
        }
    }

    /// <summary>A copy as an inference policy over the state: the periodic encoding, the layers, a = mid + half * tanh(mean) when acting.</summary>
    public InferencePolicy ToInference() => new(StateSize, ObservationEncoding.Periodic, null, new InferenceNetwork(InferenceNetwork.LayersOf(net)),
        ActionHead.TanhSquash(halfValues, midValues, stateDependent: true), ControlBounds, features.Angles);
}
