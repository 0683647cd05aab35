namespace Control.ModelBased;

/// <summary>What a model fit reports to the loop.</summary>
/// <param name="HoldoutLoss">Loss on held-out transitions.</param>
/// <param name="TransitionsPerSecond">Training throughput.</param>
/// <param name="HoldoutMse">Mean squared error of the mean prediction on held-out transitions, in the model's standardized output units (NaN without a holdout): the reference of <see cref="WatchedMpc"/>'s surprise test.</param>
public readonly record struct ModelFit(double HoldoutLoss, double TransitionsPerSecond, double HoldoutMse = double.NaN);
