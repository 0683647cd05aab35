namespace Control.Tensors.Optim;

/// <summary>Settings of <see cref="RmsProp"/> (PyTorch's defaults).</summary>
public sealed record RmsPropConfig
{
    /// <summary>Step size.</summary>
    public double LearningRate { get; init; } = 1e-2;

    /// <summary>Decay of the running average of squared gradients (PyTorch's alpha).</summary>
    public double Alpha { get; init; } = 0.99;

    /// <summary>Added to the root of the average, outside the square root.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>L2 penalty added to the gradient.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Momentum factor on the scaled step (0: none).</summary>
    public double Momentum { get; init; }

    /// <summary>Centered: divide by the estimated standard deviation sqrt(E[g^2] - E[g]^2) instead of the root mean square.</summary>
    public bool Centered { get; init; }
}
