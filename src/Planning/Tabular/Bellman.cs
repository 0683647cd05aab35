namespace Control.Planning.Tabular;

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
