using Control.Core;

namespace Control.Tensors.NN;

/// <summary>Builds multilayer perceptrons.</summary>
public static class Mlp
{
    /// <summary>
    /// Linear layers inputs -> hidden[0] -> ... -> outputs with <paramref name="activation"/> after each hidden layer
    /// and <paramref name="outputActivation"/> at the end; layout as torch.nn.Sequential (Linear at even indices).
    /// </summary>
    public static Sequential Create(int inputs, IReadOnlyList<int> hidden, int outputs, Rng rng,
        Activation activation = Activation.Tanh, Activation outputActivation = Activation.Identity, DType dtype = DType.Float32)
    {
        var layers = new List<Module>();
        int width = inputs;
        foreach (int h in hidden)
        {
            layers.Add(new Linear(width, h, rng, dtype: dtype));
            layers.Add(new ActivationLayer(activation));
            width = h;
        }
        layers.Add(new Linear(width, outputs, rng, dtype: dtype));
        if (outputActivation != Activation.Identity) layers.Add(new ActivationLayer(outputActivation));
        return new Sequential([.. layers]);
    }
}
