namespace Control.ModelBased;

/// <summary>What a model fit reports to the loop.</summary>
/// <param name="HoldoutLoss">Loss on held-out transitions.</param>
/// <param name="TransitionsPerSecond">Training throughput.</param>
public readonly record struct ModelFit(double HoldoutLoss, double TransitionsPerSecond);
