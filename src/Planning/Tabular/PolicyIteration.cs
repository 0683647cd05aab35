// Policy iteration (the "policy iteration algorithm" of the CS 330 notes "Reinforcement Learning: Review"): starting from the policy that takes action 0
// everywhere, repeat
//   1. evaluate V^pi, the value of the current policy pi
//   2. set pi(s) <- argmax_a Q^pi(s, a), with Q^pi(s, a) = r(s, a) + gamma E[V^pi(s')]
// until the policy is stable or the Bellman residual ||max_a Q^pi - V^pi|| is at most the tolerance.
//
// Evaluation (TabularConfig.Evaluation):
// - Exact, for small S: solve (I - gamma P_pi) V = r_pi densely. Each row of I - gamma P_pi is strictly
//   diagonally dominant (diagonal >= 1 - gamma P(s|s), off-diagonal sum <= gamma (1 - P(s|s))), so Gaussian
//   elimination needs no pivoting and stays stable. Cost O(S^3), memory O(S^2): a few milliseconds at S = 500.
// - Iterative, for large S (e.g. a discretized continuous system): in-place (Gauss-Seidel) sweeps
//   V(s) <- r_pi(s) + gamma E[V(s')] warm-started from the previous policy's values, until a sweep changes V by at
//   most tolerance (1 - gamma) / 2, which puts V within tolerance / 2 of V^pi. Each sweep costs O(entries).
// The returned V is max_a Q^pi (one backup past V^pi), so that V, Q and the policy agree as for the other solvers.
using System.Numerics.Tensors;

namespace Control.Planning.Tabular;

/// <summary>Policy iteration on a <see cref="TabularModel"/>, with exact or iterative policy evaluation.</summary>
public sealed class PolicyIteration
{
    private const string Name = "Policy iteration";

    /// <summary>A solver with <paramref name="config"/> (defaults when null); throws on settings out of range.</summary>
    public PolicyIteration(TabularConfig? config = null)
    {
        Config = config ?? new TabularConfig();
        Config.Validate(Name);
    }

    /// <summary>The settings.</summary>
    public TabularConfig Config { get; }

    /// <summary>Whether a model of <paramref name="stateCount"/> states is evaluated exactly under these settings.</summary>
    public bool EvaluatesExactly(int stateCount) => Config.Evaluation switch
    {
        PolicyEvaluation.Exact => true,
        PolicyEvaluation.Iterative => false,
        _ => stateCount <= Config.ExactEvaluationMaxStates,
    };

    /// <summary>Runs policy iteration from the policy that always takes action 0.</summary>
    public TabularSolution Solve(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int states = model.StateCount, actions = model.ActionCount;
        var values = new double[states];
        var q = new double[states * actions];
        var policy = new int[states];
        var greedy = new int[states];
        bool exact = EvaluatesExactly(states);
        if (exact && (long)states * states > Array.MaxLength)
        {
            throw new ArgumentException(
                $"{Name}: exact evaluation of {states} states needs a {states} x {states} matrix, more than an array holds; expected Evaluation = Iterative for this model.",
                nameof(model));
        }
        double[] matrix = exact ? new double[states * states] : [];
        double[] rightSide = exact ? new double[states] : [];

        double residual = double.PositiveInfinity;
        bool stable = false, evaluated = true;
        int iteration = 0;
        while (iteration < Config.MaxIterations && !stable && !(residual <= Config.Tolerance))
        {
            iteration++;
            if (exact) EvaluateExactly(model, policy, matrix, rightSide, values);
            else evaluated = EvaluateIteratively(model, policy, values);
            Bellman.CheckFinite(Name, "V", values, iteration);

            Bellman.Backup(model, Config.Discount, values, q);
            residual = 0;
            stable = true;
            for (int s = 0; s < states; s++)
            {
                greedy[s] = Bellman.Greedy(q.AsSpan(s * actions, actions), Config.TieTolerance, out double best);
                residual = Math.Max(residual, Math.Abs(best - values[s]));
                stable &= greedy[s] == policy[s];
            }
            (policy, greedy) = (greedy, policy);
            if (!evaluated) break;
        }
        Bellman.Improve(q, actions, Config.TieTolerance, values, policy);
        bool converged = evaluated && (stable || residual <= Config.Tolerance);
        return new TabularSolution(actions, values, q, policy, iteration, residual, converged);
    }

    /// <summary>V^pi by Gaussian elimination on (I - gamma P_pi) V = r_pi; terminal rows read V(s) = 0.</summary>
    private void EvaluateExactly(TabularModel model, ReadOnlySpan<int> policy, double[] matrix, double[] rightSide, Span<double> values)
    {
        int n = model.StateCount, actions = model.ActionCount;
        double gamma = Config.Discount;
        ReadOnlySpan<int> start = model.RowStart, next = model.Successors;
        ReadOnlySpan<double> p = model.Probabilities;
        Array.Clear(matrix);
        for (int s = 0; s < n; s++)
        {
            matrix[s * n + s] = 1;
            if (model.Terminal[s])
            {
                rightSide[s] = 0;
                continue;
            }
            int row = s * actions + policy[s];
            rightSide[s] = model.ExpectedRewards[row];
            for (int k = start[row]; k < start[row + 1]; k++) matrix[s * n + next[k]] -= gamma * p[k];
        }

        // Forward elimination (no pivoting: the matrix is strictly diagonally dominant by rows).
        for (int k = 0; k < n; k++)
        {
            double pivot = matrix[k * n + k];
            ReadOnlySpan<double> pivotRow = matrix.AsSpan(k * n + k + 1, n - k - 1);
            for (int i = k + 1; i < n; i++)
            {
                double factor = matrix[i * n + k] / pivot;
                if (factor == 0) continue;
                Span<double> target = matrix.AsSpan(i * n + k + 1, n - k - 1);
                TensorPrimitives.MultiplyAdd(pivotRow, -factor, target, target);
                rightSide[i] -= factor * rightSide[k];
            }
        }
        // Back substitution.
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = rightSide[i] - TensorPrimitives.Dot(matrix.AsSpan(i * n + i + 1, n - i - 1), values.Slice(i + 1));
            values[i] = sum / matrix[i * n + i];
        }
    }

    /// <summary>
    /// V^pi by in-place sweeps from the current <paramref name="values"/>; false when <see cref="TabularConfig.MaxIterations"/>
    /// sweeps did not reach the evaluation threshold.
    /// </summary>
    private bool EvaluateIteratively(TabularModel model, ReadOnlySpan<int> policy, Span<double> values)
    {
        double gamma = Config.Discount, threshold = Config.Tolerance * (1 - gamma) / 2;
        ReadOnlySpan<bool> terminal = model.Terminal;
        for (int sweep = 0; sweep < Config.MaxIterations; sweep++)
        {
            double change = 0;
            for (int s = 0; s < values.Length; s++)
            {
                double value = terminal[s] ? 0 : Bellman.Backup(model, gamma, values, s, policy[s]);
                change = Math.Max(change, Math.Abs(value - values[s]));
                values[s] = value;
            }
            if (change <= threshold) return true;
            if (!double.IsFinite(change)) return false;
        }
        return false;
    }
}
