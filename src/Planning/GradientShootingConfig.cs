namespace Control.Planning;

/// <summary>Settings of <see cref="GradientShooting"/>.</summary>
public sealed record GradientShootingConfig
{
    /// <summary>Iterations per plan: rollout, backward, Adam step. Default 100.</summary>
    public int Iterations { get; init; } = 100;

    /// <summary>Adam step size, in control units (Adam moves each control by about this much per step). Default 0.1.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Adam's decay of the gradient average. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's decay of the squared-gradient average. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>The gradient of the plan cost is scaled down to at most this L2 norm before the step. Default 1e3.</summary>
    public double MaxGradientNorm { get; init; } = 1e3;

    /// <summary>
    /// Early stop: the plan has converged when the best cost fell by less than this fraction of itself over the last
    /// <see cref="Patience"/> iterations. 0 turns early stopping off. Default 1e-6.
    /// </summary>
    public double Tolerance { get; init; } = 1e-6;

    /// <summary>Window of the early-stop test, in iterations. Default 10.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>
    /// When an iterate's cost or gradient is not finite (NaN or infinity from the model), the iteration is rejected:
    /// U returns to the best sequence seen and the learning rate is multiplied by this factor. Default 0.5.
    /// </summary>
    public double RejectionStepFactor { get; init; } = 0.5;
}
