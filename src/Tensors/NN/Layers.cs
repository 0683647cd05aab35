// Layers: Linear (PyTorch's layout and default initialization), activations, Sequential, and the MLP builder.
namespace Control.Tensors.NN;

/// <summary>y = x W^T + b with W of shape (out, in), as torch.nn.Linear.</summary>
public sealed class Linear : Module
{
    /// <summary>
    /// A layer from <paramref name="inputs"/> to <paramref name="outputs"/> features, initialized as PyTorch does
    /// (weight and bias uniform in +-1/sqrt(inputs)) from <paramref name="rng"/>.
    /// </summary>
    public Linear(int inputs, int outputs, Rng rng, bool bias = true, DType dtype = DType.Float32)
    {
        if (inputs <= 0 || outputs <= 0) throw new ArgumentException($"Linear: expected positive sizes, got {inputs} -> {outputs}.");
        InputSize = inputs;
        OutputSize = outputs;
        double bound = 1.0 / Math.Sqrt(inputs);
        Weight = RegisterParameter("weight", Tensor.Uniform(rng, -bound, bound, dtype, outputs, inputs));
        Bias = bias ? RegisterParameter("bias", Tensor.Uniform(rng, -bound, bound, dtype, outputs)) : null;
    }

    /// <summary>Input features.</summary>
    public int InputSize { get; }

    /// <summary>Output features.</summary>
    public int OutputSize { get; }

    /// <summary>Weight (out, in).</summary>
    public Tensor Weight { get; }

    /// <summary>Bias (out,), or null.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2 || input.Dim(1) != InputSize)
            throw new TensorException($"Linear({InputSize} -> {OutputSize}): expected input of shape (B, {InputSize}), got {Tensor.Format(input.Shape)}.");
        return Tensor.Linear(input, Weight, Bias);
    }
}

/// <summary>Elementwise activation functions.</summary>
public enum Activation
{
    /// <summary>No change.</summary>
    Identity,
    /// <summary>Hyperbolic tangent.</summary>
    Tanh,
    /// <summary>max(x, 0).</summary>
    Relu,
    /// <summary>Exponential linear unit.</summary>
    Elu,
    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,
    /// <summary>log(1 + e^x).</summary>
    Softplus,
}

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

/// <summary>Modules applied in order; children are named "0", "1", ... as in torch.nn.Sequential.</summary>
public sealed class Sequential : Module
{
    private readonly Module[] layers;

    /// <summary>Chains <paramref name="layers"/>.</summary>
    public Sequential(params Module[] layers)
    {
        this.layers = layers;
        for (int i = 0; i < layers.Length; i++) RegisterModule(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
    }

    /// <summary>The layers.</summary>
    public IReadOnlyList<Module> Layers => layers;

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        Tensor x = input;
        foreach (Module layer in layers) x = layer.Forward(x);
        return x;
    }
}

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
