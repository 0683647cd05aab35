using Control.Core;
using Control.Core.Envs;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>Softmax policy over a Discrete space: an MLP gives the logits.</summary>
public sealed class CategoricalPolicy : StochasticPolicy
{
    private readonly Sequential network;

    /// <summary>An MLP observationSize -> hidden -> N logits.</summary>
    public CategoricalPolicy(int observationSize, Discrete actionSpace, NetworkConfig network, Rng rng) : base(observationSize, actionSpace)
    {
        network.Validate(nameof(CategoricalPolicy));
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, actionSpace.N, rng, outputGain: 0.01));
    }

    /// <summary>Logits (B, N).</summary>
    public override Tensor Forward(Tensor observations)
    {
        CheckObservations(observations);
        return network.Forward(observations);
    }

    /// <inheritdoc />
    public override IActionDistribution Distribution(Tensor observations) => new CategoricalActions(Forward(observations));

    /// <inheritdoc />
    public override (InferenceNetwork Network, ActionHead Head) ToNetworkAndHead()
        => (new InferenceNetwork(InferenceNetwork.LayersOf(network)), ActionHead.Argmax(((Discrete)ActionSpace).N, logits: true));

    /// <inheritdoc />
    public override void CopyFrom(InferenceNetwork network, ActionHead head)
    {
        if (head.Kind != ActionHeadKind.Argmax || !head.SamplesLogits || network.Dueling is not null)
            throw new InvalidDataException($"expected a categorical policy (argmax over logits, no dueling streams), got a {head.Kind} head{(network.Dueling is null ? "" : " with dueling streams")}");
        InferenceNetwork.CopyTo(network.Layers, this.network);
    }
}
