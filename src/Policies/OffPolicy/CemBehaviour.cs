using Control.Core;

namespace Control.Policies.OffPolicy;

/// <summary>
/// QT-Opt's exploration (Kalashnikov et al. 2018): per copy, with probability epsilon a uniformly random action over
/// the box, otherwise the cross-entropy argmax of the critic, optionally plus Gaussian noise of scale sigma in the
/// normalized action space. The maximizer draws from the behaviour's generator, so a checkpoint of it resumes exactly.
/// </summary>
public sealed class CemBehaviour : ContinuousBehaviour
{
    private readonly QCritic q;
    private readonly QCem cem;
    private readonly float[] greedy;

    /// <summary>Explores around argmax_a <paramref name="q"/>(s, a) (read at every step, so it follows training) found by <paramref name="cem"/>.</summary>
    /// <exception cref="ArgumentException">The maximizer does not fit the critic or the copies, or epsilon or sigma is out of range.</exception>
    public CemBehaviour(QCritic q, QCem cem, double epsilon, double sigma, ActionScaling scaling, int copies, long learningStarts, Rng rng)
        : base(scaling, (q ?? throw new ArgumentNullException(nameof(q))).ObservationSize, copies, learningStarts, rng)
    {
        this.q = q;
        this.cem = cem ?? throw new ArgumentNullException(nameof(cem));
        if (cem.ObservationSize != q.ObservationSize || cem.ActionSize != q.ActionSize || cem.MaxStates < copies)
        {
            throw new ArgumentException(
                $"CemBehaviour: expected a maximizer of {q.ObservationSize} inputs, {q.ActionSize} action values and at least {copies} states, got {cem.ObservationSize}, {cem.ActionSize} and {cem.MaxStates}.");
        }
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentException($"CemBehaviour: expected epsilon in [0, 1], got {epsilon}.");
        if (!(sigma >= 0 && double.IsFinite(sigma))) throw new ArgumentException($"CemBehaviour: expected a finite sigma >= 0, got {sigma}.");
        Epsilon = epsilon;
        Sigma = sigma;
        greedy = new float[copies * q.ActionSize];
    }

    /// <summary>Probability of a uniformly random action.</summary>
    public double Epsilon { get; }

    /// <summary>Standard deviation of the Gaussian noise on the greedy action (normalized space).</summary>
    public double Sigma { get; }

    /// <inheritdoc />
    protected override void Propose(ReadOnlySpan<float> inputs, Span<double> normalizedActions)
    {
        int a = q.ActionSize;
        cem.Maximize(q, inputs, Copies, Rng, greedy);
        for (int c = 0; c < Copies; c++)
        {
            bool explore = Rng.NextDouble() < Epsilon;
            for (int j = 0; j < a; j++)
            {
                int i = c * a + j;
                normalizedActions[i] = explore ? Rng.Uniform(-1, 1) : greedy[i] + (Sigma > 0 ? Sigma * Rng.Normal() : 0);
            }
        }
    }
}
