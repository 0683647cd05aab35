// What every trajectory planner offers: plan from a state over a fixed horizon on an IDynamics + ICost, keep the
// result as the warm start of the next plan, and shift that warm start as time moves on (receding horizon).
using Control.Dynamics;

namespace Control.Planning;

/// <summary>What one call of <see cref="IPlanner.Plan"/> did.</summary>
/// <param name="Trajectory">The planner's own trajectory buffer, valid until its next call.</param>
/// <param name="Cost">Total cost of the returned trajectory.</param>
/// <param name="Iterations">Optimizer iterations run.</param>
/// <param name="Converged">Whether the planner's stopping test was met (rather than its iteration budget).</param>
public readonly record struct PlanResult(Trajectory Trajectory, double Cost, int Iterations, bool Converged);

/// <summary>
/// A receding-horizon trajectory optimizer over a model. Instances are not thread-safe: one planner per
/// controller. Planning from the same state with the same warm start and seed gives the same result.
/// </summary>
public interface IPlanner
{
    /// <summary>The model planned on.</summary>
    IDynamics Dynamics { get; }

    /// <summary>The cost minimized.</summary>
    ICost Cost { get; }

    /// <summary>H.</summary>
    int Horizon { get; }

    /// <summary>The last plan (the warm start of the next one).</summary>
    Trajectory Current { get; }

    /// <summary>Optimizes the controls from <paramref name="x0"/>, starting from <see cref="Current"/>'s controls.</summary>
    PlanResult Plan(ReadOnlySpan<double> x0);

    /// <summary>Advances the warm start by <paramref name="steps"/> (see <see cref="Trajectory.Shift"/>).</summary>
    void ShiftWarmStart(int steps);

    /// <summary>Forgets the warm start and any adapted state (noise scale, regularization), as if new; reseeds.</summary>
    void Reset();
}

/// <summary>Argument checks shared by the planners.</summary>
public static class PlannerChecks
{
    /// <summary>Throws unless dynamics and cost agree on n and m and x0 has length n.</summary>
    public static void Model(string planner, IDynamics dynamics, ICost cost)
    {
        if (dynamics.StateSize != cost.StateSize || dynamics.ControlSize != cost.ControlSize)
        {
            throw new ArgumentException(
                $"{planner}: dynamics has n={dynamics.StateSize}, m={dynamics.ControlSize} but the cost expects n={cost.StateSize}, m={cost.ControlSize}.");
        }
    }

    /// <summary>Throws unless <paramref name="x0"/> has n finite entries.</summary>
    public static void InitialState(string planner, int stateSize, ReadOnlySpan<double> x0)
    {
        if (x0.Length != stateSize)
            throw new ArgumentException($"{planner}: expected an initial state of length {stateSize}, got length {x0.Length}.");
        for (int i = 0; i < x0.Length; i++)
        {
            if (!double.IsFinite(x0[i]))
                throw new ArgumentException($"{planner}: initial state entry {i} is {x0[i]}; expected a finite number.");
        }
    }

    /// <summary>Throws unless <paramref name="horizon"/> is at least 1.</summary>
    public static void Horizon(string planner, int horizon)
    {
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"{planner}: expected a horizon of at least 1 step.");
    }
}

/// <summary>A planner could not do its job (e.g. the model is not finite along the initial guess).</summary>
public class PlanningException(string message) : Exception(message);
