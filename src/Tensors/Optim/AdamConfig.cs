namespace Control.Tensors.Optim;

/// <summary>Settings of <see cref="Adam"/> (PyTorch's defaults).</summary>
public sealed record AdamConfig
{
    /// <summary>Step size.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>Decay of the first-moment average.</summary>
    public double Beta1 { get; init; } = 0.9;
    /// <summary>Decay of the second-moment average.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>Weight decay: L2 added to the gradient (Adam) or decoupled shrinkage (AdamW).</summary>
    public double WeightDecay { get; init; }
    /// <summary>Decoupled weight decay (AdamW): p *= 1 - lr wd before the Adam step.</summary>
    public bool Decoupled { get; init; }
}
