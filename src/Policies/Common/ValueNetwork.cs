using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>State-value function V(s): an MLP to one output.</summary>
public sealed class ValueNetwork : Module
{
    private readonly Sequential network;

    /// <summary>An MLP observationSize -> hidden -> 1.</summary>
    public ValueNetwork(int observationSize, NetworkConfig network, Rng rng)
    {
        network.Validate(nameof(ValueNetwork));
        ObservationSize = observationSize > 0 ? observationSize : throw new ArgumentException($"ValueNetwork: expected a positive observation size, got {observationSize}.");
        this.network = RegisterModule("net", Networks.Mlp(observationSize, network, 1, rng, outputGain: 1.0));
    }

    /// <summary>Length of an observation.</summary>
    public int ObservationSize { get; }

    /// <summary>V(s) as (B, 1).</summary>
    public override Tensor Forward(Tensor observations)
    {
        if (observations.Rank != 2 || observations.Dim(1) != ObservationSize)
            throw new TensorException($"ValueNetwork: expected observations of shape (B, {ObservationSize}), got {Tensor.Format(observations.Shape)}.");
        return network.Forward(observations);
    }

    /// <summary>V(s) as (B,).</summary>
    public Tensor Values(Tensor observations) => Forward(observations).Reshape(-1);
}
