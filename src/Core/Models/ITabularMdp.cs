// A finite MDP given by its tables, for dynamic programming (value and policy iteration).
namespace Control.Core.Models;

/// <summary>
/// A finite MDP: S states, A actions, transition tensor P(s' | s, a) and reward R(s, a, s'), both flat and
/// row-major over (s, a, s'). Terminal states are absorbing with zero reward.
/// </summary>
public interface ITabularMdp
{
    /// <summary>S.</summary>
    int StateCount { get; }

    /// <summary>A.</summary>
    int ActionCount { get; }

    /// <summary>P(s' | s, a) at index (s * A + a) * S + s'; each (s, a) row sums to one.</summary>
    ReadOnlySpan<double> Transitions { get; }

    /// <summary>R(s, a, s') at index (s * A + a) * S + s'.</summary>
    ReadOnlySpan<double> Rewards { get; }

    /// <summary>Whether each state ends the episode.</summary>
    ReadOnlySpan<bool> Terminal { get; }

    /// <summary>Distribution of the initial state.</summary>
    ReadOnlySpan<double> InitialDistribution { get; }
}
