using Control.Core;
using Control.Tensors;

namespace Control.Policies.OffPolicy;

/// <summary>
/// DQN's behaviour policy (Mnih et al. 2015): uniformly random actions before <see cref="DqnConfig.LearningStarts"/>
/// env steps, then per copy a random action with probability epsilon (annealed linearly from
/// <see cref="DqnConfig.InitialEpsilon"/> to <see cref="DqnConfig.FinalEpsilon"/> over
/// <see cref="DqnConfig.ExplorationSteps"/>) and argmax_a Q(s, a) of the current online network otherwise.
/// </summary>
public sealed class EpsilonGreedyBehaviour : IBehaviourPolicy
{
    private readonly QNetwork q;
    private readonly DqnConfig config;

    /// <summary>Explores around <paramref name="q"/> (read at every step, so it follows training) with draws from <paramref name="rng"/>.</summary>
    public EpsilonGreedyBehaviour(QNetwork q, DqnConfig config, Rng rng)
    {
        this.q = q ?? throw new ArgumentNullException(nameof(q));
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        Rng = rng ?? throw new ArgumentNullException(nameof(rng));
    }

    /// <summary>The exploration generator (replaced when a checkpoint is restored).</summary>
    public Rng Rng { get; set; }

    /// <summary>Exploration rate after <paramref name="envSteps"/> env steps: linear from the initial to the final value.</summary>
    public double Epsilon(long envSteps) => config.InitialEpsilon
        + (config.FinalEpsilon - config.InitialEpsilon) * Math.Min(1.0, (double)envSteps / config.ExplorationSteps);

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> inputs, long envSteps, Span<double> actions)
    {
        int n = actions.Length;
        if (inputs.Length != n * q.ObservationSize)
            throw new ArgumentException($"EpsilonGreedyBehaviour: expected {n} rows of {q.ObservationSize} inputs for {n} actions, got {inputs.Length} inputs.");
        if (envSteps < config.LearningStarts)
        {
            for (int i = 0; i < n; i++) actions[i] = Rng.NextInt(q.Actions);
            return;
        }
        double epsilon = Epsilon(envSteps);
        // The greedy actions are computed once, at the first copy that needs one (no forward pass when all explore).
        int[]? greedy = null;
        for (int i = 0; i < n; i++)
        {
            if (Rng.NextDouble() < epsilon)
            {
                actions[i] = Rng.NextInt(q.Actions);
                continue;
            }
            greedy ??= Greedy(inputs, n);
            actions[i] = greedy[i];
        }
    }

    private int[] Greedy(ReadOnlySpan<float> inputs, int n)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor x = Tensor.Zeros(n, q.ObservationSize);
        inputs.CopyTo(x.Span<float>());
        return q.Forward(x).ArgMax(1);
    }
}
