// A finite MDP stored sparsely for dynamic programming. Each (state, action) pair owns one row of a CSR table
// listing its successors with their probabilities and rewards; zero-probability successors are not stored, so a
// discretized continuous system (a handful of successors per row) costs O(S A k) memory instead of O(S^2 A).
// A model is built from a dense ITabularMdp (FromMdp) or row by row (Builder); both validate every row.
using Control.Core.Models;

namespace Control.Planning.Tabular;

/// <summary>
/// An immutable sparse finite MDP: S states, A actions, and for each row (s, a), at index <c>s * A + a</c>, the
/// entries <c>RowStart[row] .. RowStart[row + 1] - 1</c> of <see cref="Successors"/>, <see cref="Probabilities"/>
/// and <see cref="Rewards"/>. Terminal states end the episode: the solvers give them value 0 and ignore their rows
/// (the <see cref="ITabularMdp"/> convention of absorbing, zero-reward terminal states).
/// </summary>
public sealed class TabularModel
{
    /// <summary>How far from one a row's probabilities may sum (absolute), to allow for rounding in the tables.</summary>
    public const double RowSumTolerance = 1e-9;

    private readonly int[] rowStart;
    private readonly int[] successors;
    private readonly double[] probabilities;
    private readonly double[] rewards;
    private readonly double[] expectedRewards;
    private readonly bool[] terminal;

    private TabularModel(int stateCount, int actionCount, int[] rowStart, int[] successors, double[] probabilities,
        double[] rewards, bool[] terminal)
    {
        StateCount = stateCount;
        ActionCount = actionCount;
        this.rowStart = rowStart;
        this.successors = successors;
        this.probabilities = probabilities;
        this.rewards = rewards;
        this.terminal = terminal;
        expectedRewards = new double[stateCount * actionCount];
        for (int row = 0; row < expectedRewards.Length; row++)
        {
            double sum = 0;
            for (int k = rowStart[row]; k < rowStart[row + 1]; k++) sum += probabilities[k] * rewards[k];
            expectedRewards[row] = sum;
        }
    }

    /// <summary>S.</summary>
    public int StateCount { get; }

    /// <summary>A.</summary>
    public int ActionCount { get; }

    /// <summary>Number of stored (nonzero) transitions.</summary>
    public int EntryCount => successors.Length;

    /// <summary>Offsets of the rows: row (s, a) = s * A + a holds entries RowStart[row] .. RowStart[row + 1] - 1 (length S A + 1).</summary>
    public ReadOnlySpan<int> RowStart => rowStart;

    /// <summary>Successor state of each entry.</summary>
    public ReadOnlySpan<int> Successors => successors;

    /// <summary>P(s' | s, a) of each entry; every row sums to one.</summary>
    public ReadOnlySpan<double> Probabilities => probabilities;

    /// <summary>R(s, a, s') of each entry.</summary>
    public ReadOnlySpan<double> Rewards => rewards;

    /// <summary>r(s, a) = sum over s' of P(s' | s, a) R(s, a, s'), at index s * A + a.</summary>
    public ReadOnlySpan<double> ExpectedRewards => expectedRewards;

    /// <summary>Whether each state ends the episode.</summary>
    public ReadOnlySpan<bool> Terminal => terminal;

    /// <summary>
    /// The sparse form of a dense MDP: entries with P = 0 are dropped. Throws <see cref="InvalidMdpException"/> when
    /// a table has the wrong length, an entry is not finite, a probability is outside [0, 1] or a row does not sum
    /// to one within <see cref="RowSumTolerance"/>.
    /// </summary>
    public static TabularModel FromMdp(ITabularMdp mdp)
    {
        ArgumentNullException.ThrowIfNull(mdp);
        int s = mdp.StateCount, a = mdp.ActionCount;
        if (s <= 0 || a <= 0)
            throw new InvalidMdpException($"Tabular MDP: expected at least one state and one action, got S={s}, A={a}.");
        long dense = (long)s * a * s;
        ReadOnlySpan<double> p = mdp.Transitions, r = mdp.Rewards;
        if (p.Length != dense)
            throw new InvalidMdpException($"Tabular MDP: expected a transition table of S*A*S = {dense} entries, got {p.Length}.");
        if (r.Length != dense)
            throw new InvalidMdpException($"Tabular MDP: expected a reward table of S*A*S = {dense} entries, got {r.Length}.");
        if (mdp.Terminal.Length != s)
            throw new InvalidMdpException($"Tabular MDP: expected {s} terminal flags, got {mdp.Terminal.Length}.");

        var builder = new Builder(s, a);
        var rowSuccessors = new List<int>();
        var rowProbabilities = new List<double>();
        var rowRewards = new List<double>();
        for (int state = 0; state < s; state++)
        {
            if (mdp.Terminal[state]) builder.SetTerminal(state);
            for (int action = 0; action < a; action++)
            {
                rowSuccessors.Clear();
                rowProbabilities.Clear();
                rowRewards.Clear();
                int offset = (state * a + action) * s;
                for (int next = 0; next < s; next++)
                {
                    double probability = p[offset + next], reward = r[offset + next];
                    if (!double.IsFinite(reward))
                        throw new InvalidMdpException($"Tabular MDP: R({state}, {action}, {next}) is {reward}; expected a finite number.");
                    if (probability == 0) continue;
                    rowSuccessors.Add(next);
                    rowProbabilities.Add(probability);
                    rowRewards.Add(reward);
                }
                builder.SetRow(state, action, rowSuccessors.ToArray(), rowProbabilities.ToArray(), rowRewards.ToArray());
            }
        }
        return builder.Build();
    }

    /// <summary>
    /// Assembles a <see cref="TabularModel"/> row by row. Every (s, a) row must be set exactly once; a successor
    /// listed twice in one row is merged (probabilities add, the reward becomes their probability-weighted mean,
    /// which keeps r(s, a)). Zero-probability entries are dropped.
    /// </summary>
    public sealed class Builder
    {
        private readonly int stateCount;
        private readonly int actionCount;
        private readonly (int[] Successors, double[] Probabilities, double[] Rewards)?[] rows;
        private readonly bool[] terminal;

        /// <summary>A builder for S = <paramref name="stateCount"/> states and A = <paramref name="actionCount"/> actions.</summary>
        public Builder(int stateCount, int actionCount)
        {
            if (stateCount <= 0 || actionCount <= 0)
                throw new InvalidMdpException($"Tabular MDP: expected at least one state and one action, got S={stateCount}, A={actionCount}.");
            if ((long)stateCount * actionCount > int.MaxValue - 1)
                throw new InvalidMdpException($"Tabular MDP: S*A = {(long)stateCount * actionCount} rows is more than a table can index.");
            this.stateCount = stateCount;
            this.actionCount = actionCount;
            rows = new (int[], double[], double[])?[stateCount * actionCount];
            terminal = new bool[stateCount];
        }

        /// <summary>Marks <paramref name="state"/> as terminal.</summary>
        public Builder SetTerminal(int state)
        {
            CheckIndex("state", state, stateCount);
            terminal[state] = true;
            return this;
        }

        /// <summary>
        /// Sets row (<paramref name="state"/>, <paramref name="action"/>): successor ids, P(s' | s, a) and R(s, a, s'),
        /// three spans of equal length whose probabilities are in [0, 1] and sum to one.
        /// </summary>
        public Builder SetRow(int state, int action, ReadOnlySpan<int> nextStates, ReadOnlySpan<double> probabilities,
            ReadOnlySpan<double> rewards)
        {
            CheckIndex("state", state, stateCount);
            CheckIndex("action", action, actionCount);
            int row = state * actionCount + action;
            if (rows[row] is not null)
                throw new InvalidMdpException($"Tabular MDP: row (s={state}, a={action}) was already set; expected each row once.");
            if (probabilities.Length != nextStates.Length || rewards.Length != nextStates.Length)
            {
                throw new InvalidMdpException(
                    $"Tabular MDP: row (s={state}, a={action}) has {nextStates.Length} successors, {probabilities.Length} probabilities and {rewards.Length} rewards; expected equal lengths.");
            }

            var merged = new List<(int Next, double Probability, double WeightedReward)>(nextStates.Length);
            double sum = 0;
            for (int k = 0; k < nextStates.Length; k++)
            {
                int next = nextStates[k];
                double probability = probabilities[k], reward = rewards[k];
                if (next < 0 || next >= stateCount)
                    throw new InvalidMdpException($"Tabular MDP: row (s={state}, a={action}) lists successor {next}; expected a state in [0, {stateCount - 1}].");
                if (!(probability >= 0 && probability <= 1))
                    throw new InvalidMdpException($"Tabular MDP: P({next} | s={state}, a={action}) is {probability}; expected a probability in [0, 1].");
                if (!double.IsFinite(reward))
                    throw new InvalidMdpException($"Tabular MDP: R(s={state}, a={action}, {next}) is {reward}; expected a finite number.");
                sum += probability;
                if (probability == 0) continue;
                int existing = merged.FindIndex(e => e.Next == next);
                if (existing < 0)
                {
                    merged.Add((next, probability, probability * reward));
                }
                else
                {
                    (int n, double p, double pr) = merged[existing];
                    merged[existing] = (n, p + probability, pr + probability * reward);
                }
            }
            if (!(Math.Abs(sum - 1) <= RowSumTolerance))
                throw new InvalidMdpException($"Tabular MDP: row (s={state}, a={action}) sums to {sum:R}; expected probabilities summing to 1 (within {RowSumTolerance}).");

            merged.Sort((x, y) => x.Next.CompareTo(y.Next));
            rows[row] = (
                merged.Select(e => e.Next).ToArray(),
                merged.Select(e => e.Probability).ToArray(),
                merged.Select(e => e.WeightedReward / e.Probability).ToArray());
            return this;
        }

        /// <summary>The model; throws <see cref="InvalidMdpException"/> naming the first row that was never set.</summary>
        public TabularModel Build()
        {
            var start = new int[rows.Length + 1];
            for (int row = 0; row < rows.Length; row++)
            {
                if (rows[row] is not { } entries)
                {
                    throw new InvalidMdpException(
                        $"Tabular MDP: row (s={row / actionCount}, a={row % actionCount}) was never set; expected all {rows.Length} rows.");
                }
                start[row + 1] = checked(start[row] + entries.Successors.Length);
            }
            int count = start[^1];
            var successors = new int[count];
            var probabilities = new double[count];
            var rewards = new double[count];
            for (int row = 0; row < rows.Length; row++)
            {
                (int[] next, double[] p, double[] r) = rows[row]!.Value;
                next.CopyTo(successors, start[row]);
                p.CopyTo(probabilities, start[row]);
                r.CopyTo(rewards, start[row]);
            }
            return new TabularModel(stateCount, actionCount, start, successors, probabilities, rewards, (bool[])terminal.Clone());
        }

        private static void CheckIndex(string what, int value, int count)
        {
            if (value < 0 || value >= count)
                throw new InvalidMdpException($"Tabular MDP: {what} {value} is out of range; expected one in [0, {count - 1}].");
        }
    }
}
