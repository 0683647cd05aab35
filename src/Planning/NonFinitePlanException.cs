namespace Control.Planning;

/// <summary>
/// A planner met NaN or infinity from its model or cost where it cannot go on: every sampled rollout of an
/// iteration, the rollout it starts from, or a derivative along its nominal trajectory. Names the planner, the
/// iteration, the time step and the quantity (e.g. "state[1] after the dynamics step", "Fu", "stage cost").
/// </summary>
public sealed class NonFinitePlanException(string planner, int iteration, int timeStep, string quantity, double value, string context)
    : PlanningException($"{planner}: {context}: {quantity} is {value} at time step {timeStep} (iteration {iteration}); expected a model and a cost that are finite there.")
{
    /// <summary>The planner's name.</summary>
    public string Planner { get; } = planner;

    /// <summary>The planner's iteration (0-based) in which the value appeared.</summary>
    public int Iteration { get; } = iteration;

    /// <summary>The time step of the horizon (0-based; the horizon itself for the terminal cost).</summary>
    public int TimeStep { get; } = timeStep;

    /// <summary>What was not finite.</summary>
    public string Quantity { get; } = quantity;

    /// <summary>The value found (NaN or an infinity).</summary>
    public double Value { get; } = value;
}
