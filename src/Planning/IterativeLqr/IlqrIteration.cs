namespace Control.Planning.IterativeLqr;

/// <summary>Diagnostics of one iLQR iteration, with its wall-clock time split by phase.</summary>
/// <param name="Cost">Cost after the iteration.</param>
/// <param name="ExpectedReduction">Decrease the quadratic model predicted for the accepted (or last tried) step.</param>
/// <param name="ActualReduction">Decrease obtained (zero when rejected).</param>
/// <param name="StepSize">Accepted alpha (zero when rejected).</param>
/// <param name="Regularization">mu used by the backward pass.</param>
/// <param name="GradientNorm">mean_t max_i |k_t,i| / (|u_t,i| + 1).</param>
/// <param name="Accepted">Whether a step was taken.</param>
/// <param name="RolloutSeconds">Initial rollout (first iteration only).</param>
/// <param name="DerivativeSeconds">Dynamics and cost derivatives.</param>
/// <param name="BackwardSeconds">Backward passes (including retries with more regularization).</param>
/// <param name="LineSearchSeconds">Forward rollouts of the line search.</param>
/// <param name="HeldSteps">Steps of the last backward pass held where they were (Q_uu + mu I not positive definite there).</param>
/// <param name="Horizon">Steps optimized: the planner's horizon, or a shorter stage's (<see cref="IlqrConfig.ColdStages"/>).</param>
public readonly record struct IlqrIteration(
    double Cost, double ExpectedReduction, double ActualReduction, double StepSize, double Regularization,
    double GradientNorm, bool Accepted, double RolloutSeconds, double DerivativeSeconds, double BackwardSeconds,
    double LineSearchSeconds, int HeldSteps, int Horizon);
