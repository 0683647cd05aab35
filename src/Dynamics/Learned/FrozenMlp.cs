// The inference view of a trained multilayer perceptron: the same weight memory as the trained module, but
// detached from the tape, so that Jacobians with respect to the inputs and backpropagation through a rollout
// neither compute nor accumulate gradients of the weights.
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Dynamics.Learned;

/// <summary>Forward pass of a <see cref="Sequential"/> of <see cref="Linear"/> and <see cref="ActivationLayer"/> modules over detached weights.</summary>
internal sealed class FrozenMlp
{
    private readonly (Tensor? Weight, Tensor? Bias, Activation Activation)[] layers;

    /// <summary>Views of the weights of <paramref name="network"/>; later in-place updates of the module show through.</summary>
    public FrozenMlp(Sequential network)
    {
        layers = network.Layers.Select(layer => layer switch
        {
            Linear linear => (linear.Weight.Detach(), linear.Bias?.Detach(), Activation.Identity),
            ActivationLayer activation => ((Tensor?)null, (Tensor?)null, activation.Activation),
            _ => throw new ArgumentException($"FrozenMlp: expected Linear and activation layers, got {layer.GetType().Name}."),
        }).ToArray();
    }

    /// <summary>The network applied to <paramref name="input"/> (B, inputs); recorded when the input requires grad.</summary>
    public Tensor Forward(Tensor input)
    {
        Tensor x = input;
        foreach ((Tensor? weight, Tensor? bias, Activation activation) in layers)
            x = weight is null ? ActivationLayer.Apply(activation, x) : Tensor.Linear(x, weight, bias);
        return x;
    }
}
