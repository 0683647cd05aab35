using Control.Core;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>The MLPs of the continuous actor-critics, in float32 for training or float64 for gradient checks.</summary>
public static class ActorCriticNetworks
{
    /// <summary>
    /// inputs -> network.Hidden -> outputs with PyTorch's default initialization (as Stable-Baselines3's DDPG, TD3 and
    /// SAC), or orthogonal with gain sqrt(2) on hidden layers and <paramref name="outputGain"/> on the last when
    /// <see cref="NetworkConfig.Orthogonal"/> is set.
    /// </summary>
    public static Sequential Mlp(int inputs, NetworkConfig network, int outputs, Rng rng, DType dtype, double outputGain = 1.0)
    {
        ArgumentNullException.ThrowIfNull(network);
        network.Validate(nameof(ActorCriticNetworks));
        Sequential mlp = Tensors.NN.Mlp.Create(inputs, network.Hidden, outputs, rng, network.Activation, dtype: dtype);
        if (!network.Orthogonal) return mlp;
        var linears = mlp.Layers.OfType<Linear>().ToArray();
        for (int i = 0; i < linears.Length; i++)
        {
            Init.Orthogonal(linears[i].Weight, rng, i == linears.Length - 1 ? outputGain : Math.Sqrt(2));
            linears[i].Bias?.Fill(0);
        }
        return mlp;
    }
}
