namespace Control.Policies.OnPolicy;

/// <summary>How <see cref="Npg"/> sizes its step along the natural gradient x = F^-1 g.</summary>
public enum NaturalStepRule
{
    /// <summary>alpha = sqrt(2 MaxKl / x^T F x): the step whose quadratic KL model equals MaxKl.</summary>
    KlNormalized,

    /// <summary>alpha = StepSize.</summary>
    Fixed,
}
