using Control.Core;
using Control.Tensors.NN;

namespace Control.Policies.Common;

/// <summary>Builds the MLPs of policies and value functions with the initialization of <see cref="NetworkConfig"/>.</summary>
public static class Networks
{
    /// <summary>
    /// An MLP inputs -> config.Hidden -> outputs. With orthogonal initialization, hidden layers get gain sqrt(2) and
    /// the output layer <paramref name="outputGain"/>; biases start at zero.
    /// </summary>
    public static Sequential Mlp(int inputs, NetworkConfig config, int outputs, Rng rng, double outputGain)
    {
        Sequential mlp = Tensors.NN.Mlp.Create(inputs, config.Hidden, outputs, rng, config.Activation);
        if (!config.Orthogonal) return mlp;
        var linears = mlp.Layers.OfType<Linear>().ToArray();
        for (int i = 0; i < linears.Length; i++)
        {
            Init.Orthogonal(linears[i].Weight, rng, i == linears.Length - 1 ? outputGain : Math.Sqrt(2));
            linears[i].Bias?.Fill(0);
        }
        return mlp;
    }
}
