// What the tabular solvers (value iteration, policy iteration, Q-value iteration) share: their settings, their
// answer, and the two steps every one of them is built from, the Bellman backup Q = r + gamma P V and the greedy
// policy with deterministic tie-breaking.
namespace Control.Planning.Tabular;

/// <summary>
/// The answer of a tabular solver: values V (S), action values Q (S x A, row-major, Q[s * A + a]), the greedy
/// policy of Q, and how the solve ended. V(s) = max_a Q(s, a) on non-terminal states; terminal states have V = Q = 0.
/// </summary>
public sealed class TabularSolution
{
    private readonly double[] values;
    private readonly double[] qValues;
    private readonly int[] policy;

    internal TabularSolution(int actionCount, double[] values, double[] qValues, int[] policy, int iterations, double residual, bool converged)
    {
        ActionCount = actionCount;
        this.values = values;
        this.qValues = qValues;
        this.policy = policy;
        Iterations = iterations;
        Residual = residual;
        Converged = converged;
    }

    /// <summary>S.</summary>
    public int StateCount => values.Length;

    /// <summary>A.</summary>
    public int ActionCount { get; }

    /// <summary>V(s).</summary>
    public ReadOnlySpan<double> Values => values;

    /// <summary>Q(s, a) at index s * A + a.</summary>
    public ReadOnlySpan<double> QValues => qValues;

    /// <summary>The greedy action of each state (lowest index among ties).</summary>
    public ReadOnlySpan<int> Policy => policy;

    /// <summary>Iterations run (sweeps, or policy improvement steps for policy iteration).</summary>
    public int Iterations { get; }

    /// <summary>The max-norm Bellman residual when the solver stopped.</summary>
    public double Residual { get; }

    /// <summary>Whether the residual reached the tolerance (or policy iteration found a stable policy) within the budget.</summary>
    public bool Converged { get; }

    /// <summary>Q(s, a); throws <see cref="ArgumentOutOfRangeException"/> for a state or action out of range.</summary>
    public double Q(int state, int action)
    {
        if ((uint)state >= (uint)StateCount)
            throw new ArgumentOutOfRangeException(nameof(state), state, $"Tabular solution: expected a state in [0, {StateCount - 1}].");
        if ((uint)action >= (uint)ActionCount)
            throw new ArgumentOutOfRangeException(nameof(action), action, $"Tabular solution: expected an action in [0, {ActionCount - 1}].");
        return qValues[state * ActionCount + action];
    }
}
