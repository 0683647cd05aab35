namespace Control.Tensors.NN;

/// <summary>An activation as a module.</summary>
public sealed class ActivationLayer(Activation activation) : Module
{
    /// <summary>The function.</summary>
    public Activation Activation { get; } = activation;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) => Apply(Activation, input);

    /// <summary>Applies <paramref name="activation"/> to <paramref name="x"/>.</summary>
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.Identity => x,
        Activation.Tanh => x.Tanh(),
        Activation.Relu => x.Relu(),
        Activation.Elu => x.Elu(),
        Activation.Sigmoid => x.Sigmoid(),
        _ => x.Softplus(),
    };
}
