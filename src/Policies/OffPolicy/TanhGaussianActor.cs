using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Distributions;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// SAC's policy (Haarnoja et al. 2018, "Soft Actor-Critic Algorithms and Applications", appendix C): an MLP to a mean
/// and a state-dependent log-std (clamped to [<see cref="ActionHead.MinLogStd"/>, <see cref="ActionHead.MaxLogStd"/>]),
/// u ~ N(mean, std^2), y = tanh(u) in [-1, 1]^A. Samples are reparameterized (y = tanh(mean + std * eps)) so the
/// actor's loss differentiates through them, and log pi(y | s) carries the change of variables of the squash,
/// log N(u) - sum log(1 - tanh(u)^2) (<see cref="TanhGaussian"/>). Log-probabilities and entropies are those of y,
/// the normalized action, so the target entropy -A means the same on every Box.
/// </summary>
public sealed class TanhGaussianActor : Module
{
    private readonly Sequential net;

    /// <summary>An actor from observations of <paramref name="observationSize"/> values to actions of <paramref name="actionSize"/>.</summary>
    public TanhGaussianActor(int observationSize, int actionSize, NetworkConfig network, Rng rng, DType dtype = DType.Float32)
    {
        if (observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"TanhGaussianActor: expected positive observation and action sizes, got {observationSize} and {actionSize}.");
        ObservationSize = observationSize;
        ActionSize = actionSize;
        net = RegisterModule("net", ActorCriticNetworks.Mlp(observationSize, network, 2 * actionSize, rng, dtype));
    }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action.</summary>
    public int ActionSize { get; }

    /// <summary>The distribution of the normalized action for observations (B, ObservationSize).</summary>
    public TanhGaussian Distribution(Tensor observations)
    {
        Tensor output = Outputs(observations);
        int a = ActionSize;
        return new TanhGaussian(output.Narrow(1, 0, a), output.Narrow(1, a, a).Clamp(ActionHead.MinLogStd, ActionHead.MaxLogStd));
    }

    /// <summary>A reparameterized normalized action (B, ActionSize) and its log-probability (B), with noise from <paramref name="rng"/>.</summary>
    public (Tensor Action, Tensor LogProb) Sample(Tensor observations, Rng rng) => Distribution(observations).RSampleWithLogProb(rng);

    /// <summary>The deterministic normalized action tanh(mean), (B, ActionSize).</summary>
    public override Tensor Forward(Tensor observations) => Outputs(observations).Narrow(1, 0, ActionSize).Tanh();

    private Tensor Outputs(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"TanhGaussianActor: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        return net.Forward(observations);
    }

    /// <summary>
    /// A copy as an inference policy: the network's layers (mean and log-std outputs), then a = scale * tanh(mean) + bias
    /// when acting, or the squashed Gaussian sample when sampling.
    /// </summary>
    public InferencePolicy ToInference(Space observationSpace, ActionScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(scaling);
        return new InferencePolicy(observationSpace.FlatSize, ObservationEncoding.Values, null, new InferenceNetwork(InferenceNetwork.LayersOf(net)),
            ActionHead.TanhSquash(scaling.Scale, scaling.Bias, stateDependent: true), scaling.Box);
    }

    /// <summary>Copies a stored policy of the same architecture (as <see cref="ToInference"/> gives) into this actor.</summary>
    /// <exception cref="InvalidDataException">The head or the layers differ.</exception>
    public void CopyFrom(InferencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Head.Kind != ActionHeadKind.TanhSquash || policy.Head.LogStdSource != LogStdSource.Outputs || policy.Head.ActionSize != ActionSize)
            throw new InvalidDataException($"expected a tanh-squash head of {ActionSize} actions with a state-dependent log-std, got a {policy.Head.Kind} head of {policy.Head.ActionSize} with log-std from {policy.Head.LogStdSource}");
        InferenceNetwork.CopyTo(policy.Network.Layers, net);
    }
}
