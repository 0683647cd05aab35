using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Action-value function Q(s, .) over a Discrete space: an MLP to one output per action, or with
/// dueling (Wang et al. 2016) a shared trunk with a value stream V(s) and an advantage stream
/// A(s, a), combined as Q = V + A - mean_a A.
/// </summary>
public sealed class QNetwork : Module
{
    private readonly Sequential? plain;
    private readonly Sequential? trunk;
    private readonly Linear? valueHead;
    private readonly Linear? advantageHead;

    /// <summary>Q over <paramref name="actions"/> actions.</summary>
    public QNetwork(int observationSize, int actions, NetworkConfig network, Rng rng, bool dueling = false)
    {
        network.Validate(nameof(QNetwork));
        if (observationSize <= 0 || actions <= 0)
            throw new ArgumentException($"QNetwork: expected positive observation and action counts, got {observationSize} and {actions}.");
        ObservationSize = observationSize;
        Actions = actions;
        Dueling = dueling;
        if (!dueling)
        {
            plain = RegisterModule("net", Networks.Mlp(observationSize, network, actions, rng, outputGain: 1.0));
            return;
        }
        if (network.Hidden.Count == 0) throw new ArgumentException("QNetwork: a dueling network needs at least one hidden layer for its shared trunk.");
        var trunkConfig = network with { Hidden = network.Hidden.Take(network.Hidden.Count - 1).ToArray() };
        int width = network.Hidden[^1];
        trunk = RegisterModule("trunk", Networks.Mlp(observationSize, trunkConfig, width, rng, outputGain: Math.Sqrt(2)));
        valueHead = RegisterModule("value", new Linear(width, 1, rng));
        advantageHead = RegisterModule("advantage", new Linear(width, actions, rng));
        Activation = network.Activation;
    }

    private Activation Activation { get; }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Number of actions.</summary>
    public int Actions { get; }

    /// <summary>Whether the dueling architecture is used.</summary>
    public bool Dueling { get; }

    /// <summary>Q(s, a) for every action, (B, Actions).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"QNetwork: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        if (plain is not null) return plain.Forward(observations);
        Tensor features = ActivationLayer.Apply(Activation, trunk!.Forward(observations));
        Tensor advantage = advantageHead!.Forward(features);
        return valueHead!.Forward(features) + advantage - advantage.Mean(1, keepDim: true);
    }

    /// <summary>A copy of the network (the dueling trunk with its activation, then the two streams).</summary>
    public InferenceNetwork ToNetwork() => plain is not null
        ? new InferenceNetwork(InferenceNetwork.LayersOf(plain))
        : new InferenceNetwork(InferenceNetwork.LayersOf(trunk!, Activation),
            new DuelingHeads(DenseLayer.Of(valueHead!, Activation.Identity), DenseLayer.Of(advantageHead!, Activation.Identity)));

    /// <summary>The greedy policy argmax_a Q(s, a) over raw observations of <paramref name="observationSpace"/> (a Discrete one one-hot), as a copy.</summary>
    public InferencePolicy ToInference(Space observationSpace)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        if (QInputs.Size(observationSpace) != ObservationSize)
            throw new ArgumentException($"QNetwork: the network reads {ObservationSize} inputs, but {observationSpace.Describe()} gives {QInputs.Size(observationSpace)}.");
        var encoding = observationSpace is Discrete ? ObservationEncoding.OneHot : ObservationEncoding.Values;
        return new InferencePolicy(observationSpace.FlatSize, encoding, null, ToNetwork(), ActionHead.Argmax(Actions, logits: false), new Discrete(Actions));
    }

    /// <summary>Copies a network of the same architecture (as <see cref="ToNetwork"/> gives) into this one.</summary>
    /// <exception cref="InvalidDataException">The architecture differs.</exception>
    public void CopyFrom(InferenceNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        if ((network.Dueling is not null) != Dueling)
            throw new InvalidDataException($"expected a {(Dueling ? "dueling" : "plain")} Q network, got a {(network.Dueling is null ? "plain" : "dueling")} one");
        if (plain is not null)
        {
            InferenceNetwork.CopyTo(network.Layers, plain);
            return;
        }
        InferenceNetwork.CopyTo(network.Layers, trunk!, Activation);
        network.Dueling!.Value.CopyTo(valueHead!);
        network.Dueling.Advantage.CopyTo(advantageHead!);
    }
}
