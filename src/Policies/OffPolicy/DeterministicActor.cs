using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// The deterministic policy mu(s) of DDPG and TD3 (Silver et al. 2014's deterministic policy gradient): an MLP to u, then
/// y = tanh(u) in [-1, 1]^A; the env action is a = scale * y + bias (<see cref="ActionScaling"/>), so the policy is
/// within the Box by construction and its gradient never vanishes against a clip.
/// </summary>
public sealed class DeterministicActor : Module
{
    private readonly Sequential net;

    /// <summary>An actor from observations of <paramref name="observationSize"/> values to actions of <paramref name="actionSize"/>.</summary>
    public DeterministicActor(int observationSize, int actionSize, NetworkConfig network, Rng rng, DType dtype = DType.Float32)
    {
        if (observationSize <= 0 || actionSize <= 0)
            throw new ArgumentException($"DeterministicActor: expected positive observation and action sizes, got {observationSize} and {actionSize}.");
        ObservationSize = observationSize;
        ActionSize = actionSize;
        net = RegisterModule("net", ActorCriticNetworks.Mlp(observationSize, network, actionSize, rng, dtype));
    }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Values per action.</summary>
    public int ActionSize { get; }

    /// <summary>The normalized actions tanh(u(s)), (B, ActionSize), for observations (B, ObservationSize).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"DeterministicActor: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        return net.Forward(observations).Tanh();
    }

    /// <summary>A copy as an inference policy: the network's layers, then a = scale * tanh(u) + bias onto the Box.</summary>
    public InferencePolicy ToInference(Space observationSpace, ActionScaling scaling)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(scaling);
        return new InferencePolicy(observationSpace.FlatSize, ObservationEncoding.Values, null, new InferenceNetwork(InferenceNetwork.LayersOf(net)),
            ActionHead.TanhSquash(scaling.Scale, scaling.Bias), scaling.Box);
    }

    /// <summary>Copies a stored policy of the same architecture (as <see cref="ToInference"/> gives) into this actor.</summary>
    /// <exception cref="InvalidDataException">The head or the layers differ.</exception>
    public void CopyFrom(InferencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Head.Kind != ActionHeadKind.TanhSquash || policy.Head.LogStdSource != LogStdSource.None || policy.Head.ActionSize != ActionSize)
            throw new InvalidDataException($"expected a tanh-squash head of {ActionSize} actions without a log-std, got a {policy.Head.Kind} head of {policy.Head.ActionSize} with log-std from {policy.Head.LogStdSource}");
        InferenceNetwork.CopyTo(policy.Network.Layers, net);
    }
}
