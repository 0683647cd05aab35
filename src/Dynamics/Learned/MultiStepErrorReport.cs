// Open-loop rollout error of a model against recorded trajectories: from every recorded state, run the model
// through the recorded controls for up to H steps and compare with the recorded states. One-step error says how
// well a model was fitted; the growth of the error with k says how far a planner may trust it.
namespace Control.Dynamics.Learned;

/// <summary>Mean squared open-loop prediction error for k = 1..H steps ahead.</summary>
public sealed record MultiStepErrorReport
{
    /// <summary>Entry k - 1: mean over start states and state dimensions of (model's k-step prediction - recorded state)^2.</summary>
    public required double[] MeanSquaredError { get; init; }

    /// <summary>Entry k - 1: number of start states with k steps left in their episode.</summary>
    public required int[] Starts { get; init; }
}
