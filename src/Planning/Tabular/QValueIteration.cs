// Q-value iteration: value iteration written on action values, the tabular form of the (fitted)
// Q-iteration with an exact model:
//   Q(s, a) <- r(s, a) + gamma E[max_a' Q(s', a')]
// from Q = 0 until ||Q_new - Q_old|| (max over s and a) is at most the tolerance; then Q is within
// gamma / (1 - gamma) * residual of Q*. The inner max is taken once per state and sweep (V_old(s') =
// max_a' Q_old(s', a')), which is the same update at O(entries) cost. Sweeps are synchronous (Jacobi).
using System.Numerics.Tensors;

namespace Control.Planning.Tabular;

/// <summary>Q-value iteration on a <see cref="TabularModel"/>.</summary>
public sealed class QValueIteration
{
    private const string Name = "Q-value iteration";

    /// <summary>A solver with <paramref name="config"/> (defaults when null); throws on settings out of range.</summary>
    public QValueIteration(TabularConfig? config = null)
    {
        Config = config ?? new TabularConfig();
        Config.Validate(Name);
    }

    /// <summary>The settings.</summary>
    public TabularConfig Config { get; }

    /// <summary>Runs Q-value iteration from Q = 0.</summary>
    public TabularSolution Solve(TabularModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        int states = model.StateCount, actions = model.ActionCount;
        var q = new double[states * actions];
        var next = new double[states * actions];
        var maxQ = new double[states];
        var policy = new int[states];
        double residual = double.PositiveInfinity;
        int iteration = 0;
        while (iteration < Config.MaxIterations && !(residual <= Config.Tolerance))
        {
            iteration++;
            for (int s = 0; s < states; s++) maxQ[s] = TensorPrimitives.Max(q.AsSpan(s * actions, actions));
            Bellman.Backup(model, Config.Discount, maxQ, next);
            residual = 0;
            for (int i = 0; i < q.Length; i++) residual = Math.Max(residual, Math.Abs(next[i] - q[i]));
            (q, next) = (next, q);
            Bellman.CheckFinite(Name, "Q", q, iteration);
        }
        var values = new double[states];
        Bellman.Improve(q, actions, Config.TieTolerance, values, policy);
        return new TabularSolution(actions, values, q, policy, iteration, residual, residual <= Config.Tolerance);
    }
}
