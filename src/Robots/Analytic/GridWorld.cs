// A slippery gridworld in the manner of FrozenLake: walk from S to G over frozen cells F, avoiding holes H.
// Each move goes the intended way with probability 1 - Slip and to each perpendicular side with Slip / 2
// (FrozenLake's slippery ice is Slip = 2/3); moves into a wall stay put. Reward 1 on reaching G; H and G
// end the episode. Actions: 0 left, 1 down, 2 right, 3 up. The MDP's tables are exposed for tabular DP.
using Control.Core.Envs;
using Control.Core.Models;

namespace Control.Robots.Analytic;

/// <summary>The gridworld env and its exact MDP tables. Observation: the cell index as one value (Discrete(S)).</summary>
public sealed class GridWorldEnv : Env, ITabularMdp, IStatefulEnv
{
    /// <summary>FrozenLake's 4x4 map.</summary>
    public static readonly string[] Map4x4 = ["SFFF", "FHFH", "FFFH", "HFFG"];

    /// <summary>FrozenLake's 8x8 map.</summary>
    public static readonly string[] Map8x8 =
        ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"];

    private readonly string[] map;
    private readonly int rows, columns;
    private readonly double[] transitions;
    private readonly double[] rewards;
    private readonly bool[] terminal;
    private readonly double[] initial;
    private int cell;

    /// <summary>Creates the gridworld on <paramref name="map"/> (default 4x4) with slip probability <paramref name="slip"/>.</summary>
    public GridWorldEnv(long seed = 0, string[]? map = null, double slip = 2.0 / 3.0, string name = "gridworld")
        : base(name, new Discrete(CellCount(Validate(map ?? Map4x4, name))), new Discrete(4), seed)
    {
        this.map = map ?? Map4x4;
        rows = this.map.Length;
        columns = this.map[0].Length;
        if (!(slip >= 0 && slip <= 1))
            throw new ArgumentOutOfRangeException(nameof(slip), slip, $"{name}: expected a slip probability in [0, 1]");
        Slip = slip;
        int s = rows * columns;
        transitions = new double[s * 4 * s];
        rewards = new double[s * 4 * s];
        terminal = new bool[s];
        initial = new double[s];
        BuildTables();
    }

    /// <summary>Probability that a move does not go the intended way.</summary>
    public double Slip { get; }

    /// <summary>The map, one string per row.</summary>
    public IReadOnlyList<string> Map => map;

    public int StateCount => rows * columns;
    public int ActionCount => 4;
    public ReadOnlySpan<double> Transitions => transitions;
    public ReadOnlySpan<double> Rewards => rewards;
    public ReadOnlySpan<bool> Terminal => terminal;
    public ReadOnlySpan<double> InitialDistribution => initial;

    /// <summary>The current cell (row * columns + column).</summary>
    public int Cell => cell;

    /// <summary>One value: the cell index.</summary>
    public int StateSize => 1;

    /// <inheritdoc />
    public void GetState(Span<double> state) => state[0] = cell;

    /// <summary>The observation of a state is the cell itself.</summary>
    public void Observe(ReadOnlySpan<double> state, Span<double> observation) => observation[0] = state[0];

    /// <summary>Moves the agent to cell state[0] (an integer in [0, S)); the episode goes on from there.</summary>
    public void SetState(ReadOnlySpan<double> state)
    {
        EnvChecks.State(Name, 1, state);
        if (state[0] < 0 || state[0] >= StateCount || state[0] != Math.Floor(state[0]))
            throw new InvalidStateException(Name, $"expected a cell index in [0, {StateCount - 1}], got {state[0]}");
        cell = (int)state[0];
        MarkRunning();
    }

    protected override void ResetCore(Span<double> observation)
    {
        cell = Sample(initial);
        observation[0] = cell;
    }

    protected override StepResult StepCore(ReadOnlySpan<double> action, Span<double> observation)
    {
        int a = (int)action[0];
        int row = (cell * ActionCount + a) * StateCount;
        int next = Sample(transitions.AsSpan(row, StateCount));
        double reward = rewards[row + next];
        cell = next;
        observation[0] = cell;
        return new StepResult(reward, terminal[cell], false);
    }

    private int Sample(ReadOnlySpan<double> distribution)
    {
        double u = Random.NextDouble(), cumulative = 0;
        int last = 0;
        for (int i = 0; i < distribution.Length; i++)
        {
            if (distribution[i] <= 0) continue;
            cumulative += distribution[i];
            last = i;
            if (u < cumulative) return i;
        }
        return last;
    }

    private void BuildTables()
    {
        int s = StateCount;
        for (int c = 0; c < s; c++)
        {
            char kind = map[c / columns][c % columns];
            terminal[c] = kind is 'H' or 'G';
            if (kind == 'S') initial[c] = 1.0;
        }
        for (int c = 0; c < s; c++)
        {
            for (int a = 0; a < 4; a++)
            {
                int row = (c * 4 + a) * s;
                if (terminal[c])
                {
                    transitions[row + c] = 1.0;
                    continue;
                }
                // Intended direction, then the two perpendicular ones (a - 1 and a + 1 modulo 4).
                Span<(int Direction, double Probability)> outcomes =
                    [(a, 1.0 - Slip), ((a + 3) % 4, Slip / 2), ((a + 1) % 4, Slip / 2)];
                foreach ((int direction, double p) in outcomes)
                {
                    if (p == 0) continue;
                    int target = Move(c, direction);
                    transitions[row + target] += p;
                    rewards[row + target] = map[target / columns][target % columns] == 'G' ? 1.0 : 0.0;
                }
            }
        }
    }

    private int Move(int c, int direction)
    {
        int r = c / columns, col = c % columns;
        switch (direction)
        {
            case 0: col = Math.Max(col - 1, 0); break;
            case 1: r = Math.Min(r + 1, rows - 1); break;
            case 2: col = Math.Min(col + 1, columns - 1); break;
            default: r = Math.Max(r - 1, 0); break;
        }
        return r * columns + col;
    }

    private static int CellCount(string[] map) => map.Length * map[0].Length;

    private static string[] Validate(string[] map, string name)
    {
        bool rectangular = map.Length > 0 && map[0].Length > 0 && map.All(r => r.Length == map[0].Length && r.All(c => "SFHG".Contains(c)));
        if (!rectangular || map.Sum(r => r.Count(c => c == 'S')) != 1)
            throw new ArgumentException($"{name}: expected a non-empty rectangular map of S, F, H, G with exactly one S, got [{string.Join(", ", map)}].");
        return map;
    }
}
