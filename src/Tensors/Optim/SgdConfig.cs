namespace Control.Tensors.Optim;

/// <summary>Settings of <see cref="Sgd"/> (PyTorch's defaults).</summary>
public sealed record SgdConfig
{
    /// <summary>Step size.</summary>
    public double LearningRate { get; init; } = 1e-2;
    /// <summary>Momentum factor (0: plain SGD).</summary>
    public double Momentum { get; init; }
    /// <summary>Dampening of the momentum's new gradient.</summary>
    public double Dampening { get; init; }
    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }
    /// <summary>Nesterov momentum (needs Momentum &gt; 0 and Dampening = 0).</summary>
    public bool Nesterov { get; init; }
}
