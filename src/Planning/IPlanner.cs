// What every trajectory planner offers: plan from a state over a fixed horizon on an IDynamics + ICost, keep the
// result as the warm start of the next plan, and shift that warm start as time moves on (receding horizon).
using Control.Core.Models;

namespace Control.Planning;

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
