using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// A policy over Discrete actions for the off-policy learners: an MLP to K logits, pi(a | s) = softmax(logits)_a. The
/// Gumbel-softmax learner samples it relaxed (<see cref="Tensors.Distributions.RelaxedOneHotCategorical"/>); acting
/// deterministically takes the argmax of the logits.
/// </summary>
public sealed class CategoricalActor : Module
{
    private readonly Sequential net;

    /// <summary>An actor from observations of <paramref name="observationSize"/> values to logits over <paramref name="actions"/> actions.</summary>
    public CategoricalActor(int observationSize, int actions, NetworkConfig network, Rng rng, DType dtype = DType.Float32)
    {
        if (observationSize <= 0 || actions <= 1)
            throw new ArgumentException($"CategoricalActor: expected a positive observation size and at least two actions, got {observationSize} and {actions}.");
        ObservationSize = observationSize;
        Actions = actions;
        net = RegisterModule("net", ActorCriticNetworks.Mlp(observationSize, network, actions, rng, dtype));
    }

    /// <summary>Values per observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Number of actions K.</summary>
    public int Actions { get; }

    /// <summary>The logits (B, Actions) for observations (B, ObservationSize).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"CategoricalActor: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        return net.Forward(observations);
    }

    /// <summary>One-hot rows (B, <paramref name="classes"/>) of the action indices.</summary>
    /// <exception cref="ArgumentException">An index is outside [0, classes).</exception>
    public static Tensor OneHot(ReadOnlySpan<int> indices, int classes, DType dtype = DType.Float32)
    {
        var values = new double[indices.Length * classes];
        for (int r = 0; r < indices.Length; r++)
        {
            if ((uint)indices[r] >= (uint)classes) throw new ArgumentException($"CategoricalActor.OneHot: expected an action in [0, {classes - 1}], got {indices[r]} in row {r}.");
            values[r * classes + indices[r]] = 1.0;
        }
        Tensor result = Tensor.FromArray(values, indices.Length, classes);
        return dtype == DType.Float64 ? result : result.To(dtype);
    }

    /// <summary>
    /// A copy as an inference policy: the network's layers, then the argmax of the logits when acting, or a sample of
    /// the categorical when sampling; raw observations of <paramref name="observationSpace"/> (a Discrete one one-hot).
    /// </summary>
    public InferencePolicy ToInference(Space observationSpace)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        if (QInputs.Size(observationSpace) != ObservationSize)
            throw new ArgumentException($"CategoricalActor: the network reads {ObservationSize} inputs, but {observationSpace.Describe()} gives {QInputs.Size(observationSpace)}.");
        var encoding = observationSpace is Discrete ? ObservationEncoding.OneHot : ObservationEncoding.Values;
        return new InferencePolicy(observationSpace.FlatSize, encoding, null, new InferenceNetwork(InferenceNetwork.LayersOf(net)),
            ActionHead.Argmax(Actions, logits: true), new Discrete(Actions));
    }

    /// <summary>Copies a stored policy of the same architecture (as <see cref="ToInference"/> gives) into this actor.</summary>
    /// <exception cref="InvalidDataException">The head or the layers differ.</exception>
    public void CopyFrom(InferencePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Head.Kind != ActionHeadKind.Argmax || !policy.Head.SamplesLogits || policy.Head.NetworkOutputs != Actions || policy.Network.Dueling is not null)
            throw new InvalidDataException($"expected an argmax head over the logits of {Actions} actions, got a {policy.Head.Kind} head over {policy.Head.NetworkOutputs} outputs");
        InferenceNetwork.CopyTo(policy.Network.Layers, net);
    }
}
