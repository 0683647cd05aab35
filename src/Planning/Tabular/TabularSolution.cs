// What the tabular solvers (value iteration, policy iteration, Q-value iteration) share: their settings, their
// answer, and the two steps every one of them is built from, the Bellman backup Q = r + gamma P V and the greedy
// policy with deterministic tie-breaking.
namespace Control.Planning.Tabular;

/// <summary>How <see cref="PolicyIteration"/> evaluates a policy.</summary>
public enum PolicyEvaluation
{
    /// <summary>Exact when S &lt;= <see cref="TabularConfig.ExactEvaluationMaxStates"/>, iterative otherwise.</summary>
    Auto,

    /// <summary>Solve the S x S linear system (I - gamma P_pi) V = r_pi by Gaussian elimination: O(S^3) time, O(S^2) memory.</summary>
    Exact,

    /// <summary>Repeat V &lt;- r_pi + gamma P_pi V, warm-started from the previous policy's values, until the sweep changes V by little.</summary>
    Iterative,
}

/// <summary>Settings of the tabular solvers.</summary>
public sealed record TabularConfig
{
    /// <summary>Discount gamma in [0, 1). Default 0.99.</summary>
    public double Discount { get; init; } = 0.99;

    /// <summary>
    /// Stop when the max-norm Bellman residual ||T V - V|| (for Q-value iteration ||T Q - Q||) is at most this; then
    /// the values are within gamma / (1 - gamma) times it of the optimum. Must be positive. Default 1e-8.
    /// </summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Budget of iterations: Bellman sweeps for value and Q-value iteration, improvement steps for policy iteration. Default 100000.</summary>
    public int MaxIterations { get; init; } = 100_000;

    /// <summary>
    /// Actions whose Q is within this of the best count as tied, and the lowest index among them is taken, so that
    /// rounding in the last bits cannot change the policy. Must be non-negative. Default 1e-9.
    /// </summary>
    public double TieTolerance { get; init; } = 1e-9;

    /// <summary>Policy iteration only: how each policy is evaluated. Default <see cref="PolicyEvaluation.Auto"/>.</summary>
    public PolicyEvaluation Evaluation { get; init; } = PolicyEvaluation.Auto;

    /// <summary>
    /// Policy iteration only: the largest S evaluated exactly under <see cref="PolicyEvaluation.Auto"/>. The dense
    /// solve costs S^3 / 3 multiply-adds and 8 S^2 bytes (500 states: 4e7 and 2 MB, a few milliseconds); above
    /// that, sparse sweeps at O(entries) each are cheaper. Default 500.
    /// </summary>
    public int ExactEvaluationMaxStates { get; init; } = 500;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate(string solver)
    {
        if (!(Discount >= 0 && Discount < 1))
            throw new ArgumentOutOfRangeException(nameof(Discount), Discount, $"{solver}: expected a discount gamma in [0, 1).");
        if (!(Tolerance > 0 && double.IsFinite(Tolerance)))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, $"{solver}: expected a positive finite tolerance.");
        if (MaxIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, $"{solver}: expected at least 1 iteration.");
        if (!(TieTolerance >= 0 && double.IsFinite(TieTolerance)))
            throw new ArgumentOutOfRangeException(nameof(TieTolerance), TieTolerance, $"{solver}: expected a non-negative finite tie tolerance.");
        if (ExactEvaluationMaxStates < 0)
            throw new ArgumentOutOfRangeException(nameof(ExactEvaluationMaxStates), ExactEvaluationMaxStates, $"{solver}: expected a non-negative state count.");
        if (!Enum.IsDefined(Evaluation))
            throw new ArgumentOutOfRangeException(nameof(Evaluation), Evaluation, $"{solver}: expected Auto, Exact or Iterative.");
    }
}

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

/// <summary>The Bellman backup and the greedy policy, shared by the solvers.</summary>
internal static class Bellman
{
    /// <summary>Q(s, a) = r(s, a) + gamma sum_s' P(s' | s, a) V(s') for every row; 0 on terminal states.</summary>
    public static void Backup(TabularModel model, double discount, ReadOnlySpan<double> values, Span<double> q)
    {
        ReadOnlySpan<int> start = model.RowStart, next = model.Successors;
        ReadOnlySpan<double> p = model.Probabilities, r = model.ExpectedRewards;
        ReadOnlySpan<bool> terminal = model.Terminal;
        int actions = model.ActionCount;
        for (int s = 0; s < model.StateCount; s++)
        {
            int row = s * actions;
            if (terminal[s])
            {
                q.Slice(row, actions).Clear();
                continue;
            }
            for (int a = 0; a < actions; a++, row++)
            {
                double expected = 0;
                for (int k = start[row]; k < start[row + 1]; k++) expected += p[k] * values[next[k]];
                q[row] = r[row] + discount * expected;
            }
        }
    }

    /// <summary>One entry of the backup: r(s, a) + gamma sum_s' P(s' | s, a) V(s').</summary>
    public static double Backup(TabularModel model, double discount, ReadOnlySpan<double> values, int state, int action)
    {
        int row = state * model.ActionCount + action;
        ReadOnlySpan<int> start = model.RowStart, next = model.Successors;
        ReadOnlySpan<double> p = model.Probabilities;
        double expected = 0;
        for (int k = start[row]; k < start[row + 1]; k++) expected += p[k] * values[next[k]];
        return model.ExpectedRewards[row] + discount * expected;
    }

    /// <summary>
    /// The lowest action whose Q(s, .) is within <paramref name="tieTolerance"/> of the row's maximum, which is
    /// returned in <paramref name="best"/>.
    /// </summary>
    public static int Greedy(ReadOnlySpan<double> qRow, double tieTolerance, out double best)
    {
        best = qRow[0];
        for (int a = 1; a < qRow.Length; a++) best = Math.Max(best, qRow[a]);
        for (int a = 0; a < qRow.Length; a++)
        {
            if (qRow[a] >= best - tieTolerance) return a;
        }
        return 0;
    }

    /// <summary>
    /// Sets V(s) = max_a Q(s, a) and the greedy policy; returns max_s |V_new(s) - V_old(s)|, with V_old what
    /// <paramref name="values"/> held before.
    /// </summary>
    public static double Improve(ReadOnlySpan<double> q, int actions, double tieTolerance, Span<double> values, Span<int> policy)
    {
        double residual = 0;
        for (int s = 0; s < values.Length; s++)
        {
            policy[s] = Greedy(q.Slice(s * actions, actions), tieTolerance, out double best);
            residual = Math.Max(residual, Math.Abs(best - values[s]));
            values[s] = best;
        }
        return residual;
    }

    /// <summary>Throws <see cref="ArithmeticException"/> when an entry of <paramref name="what"/> became NaN or infinite (rewards too large to sum).</summary>
    public static void CheckFinite(string solver, string what, ReadOnlySpan<double> values, int iteration)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
                throw new ArithmeticException($"{solver}: {what}[{i}] became {values[i]} at iteration {iteration}; expected finite values.");
        }
    }
}
