using Control.Core.Models;

namespace Control.Planning;

/// <summary>Argument checks shared by the planners.</summary>
public static class PlannerChecks
{
    /// <summary>Throws unless dynamics and cost agree on n and m and on their state space (its size and tangent size).</summary>
    public static void Model(string planner, IDynamics dynamics, ICost cost)
    {
        if (dynamics.StateSize != cost.StateSize || dynamics.ControlSize != cost.ControlSize)
        {
            throw new ArgumentException(
                $"{planner}: dynamics has n={dynamics.StateSize}, m={dynamics.ControlSize} but the cost expects n={cost.StateSize}, m={cost.ControlSize}.");
        }
        ModelChecks.StateSpaces(planner, dynamics, cost);
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

    /// <summary>Throws unless <paramref name="gain"/> holds an actions x tangent gain (an <see cref="Core.IFeedbackPolicy"/>'s K).</summary>
    public static void GainBuffer(string owner, int actions, int tangent, Span<double> gain)
    {
        if (gain.Length != actions * tangent)
            throw new ArgumentException($"{owner}: expected a gain buffer of {actions} x {tangent} = {actions * tangent}, got length {gain.Length}.", nameof(gain));
    }

    /// <summary>Throws unless <paramref name="horizon"/> is at least 1.</summary>
    public static void Horizon(string planner, int horizon)
    {
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, $"{planner}: expected a horizon of at least 1 step.");
    }
}
