// Value iteration (the "value iteration algorithm" of the CS 330 notes "Reinforcement Learning: Review"): repeat
//   1. Q(s, a) <- r(s, a) + gamma E[V(s')]
//   2. V(s)    <- max_a Q(s, a)
// from V = 0 until the max-norm Bellman residual ||V_new - V_old|| = ||T V_old - V_old|| is at most the tolerance.
// The sweep is synchronous (Jacobi: every state backs up the same V_old), so the result does not depend on the
// order in which states are stored. When it stops, V is within gamma / (1 - gamma) * residual of V*.
namespace Control.Planning.Tabular;

/// <summary>Value iteration on a <see cref="TabularModel"/>.</summary>
public sealed class ValueIteration
{
    private const string Name = "Value iteration";

    /// <summary>A solver with <paramref name="config"/> (defaults when null); throws on settings out of range.</summary>
    public ValueIteration(TabularConfig? config = null)
    {
        Config = config ?? new TabularConfig();
        Config.Validate(Name);
    }

    /// <summary>The settings.</summary>
    public TabularConfig Config { get; }

    /// <summary>Runs value iteration from V = 0.</summary>
    public TabularSolution Solve(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int states = model.StateCount, actions = model.ActionCount;
        var values = new double[states];
        var q = new double[states * actions];
        var policy = new int[states];
        double residual = double.PositiveInfinity;
        int iteration = 0;
        while (iteration < Config.MaxIterations && !(residual <= Config.Tolerance))
        {
            iteration++;
            Bellman.Backup(model, Config.Discount, values, q);
            residual = Bellman.Improve(q, actions, Config.TieTolerance, values, policy);
            Bellman.CheckFinite(Name, "V", values, iteration);
        }
        return new TabularSolution(actions, values, q, policy, iteration, residual, residual <= Config.Tolerance);
    }
}
