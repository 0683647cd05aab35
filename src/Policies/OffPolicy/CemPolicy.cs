using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// QT-Opt's policy, pi(s) = argmax_a Q(s, a) by the cross-entropy method, on raw env observations, mapped onto the
/// Box. Deterministic: the maximizer's generator restarts from the seed at every step, so one observation always
/// gives one action. Otherwise the generator runs on and the action explores as in training (epsilon-greedy with
/// uniform actions, plus Gaussian noise of scale sigma). With a normalizer, Box observations are standardized by it
/// before they reach the critic (fitted Q-iteration learns on its dataset's statistics); otherwise they enter as QInputs encodes them.
/// </summary>
public sealed class CemPolicy : IPolicy
{
    private readonly QCritic q;
    private readonly QCem cem;
    private readonly Space observationSpace;
    private readonly ActionScaling scaling;
    private readonly bool deterministic;
    private readonly long seed;
    private readonly double epsilon;
    private readonly double sigma;
    private readonly ObservationNormalizer? normalizer;
    private readonly float[] inputs;
    private readonly float[] greedy;
    private readonly double[] normalized;
    private Rng rng;

    /// <summary>
    /// Maximizes <paramref name="q"/> (kept, not copied: pass a copy to freeze it) with <paramref name="cem"/> for
    /// observations of <paramref name="observationSpace"/> (standardized by <paramref name="normalizer"/> when given); <paramref name="epsilon"/>
    /// and <paramref name="sigma"/> apply when not deterministic.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The critic, maximizer, observation space, normalizer and scaling do not fit together, or epsilon or sigma is out of range.
    /// </exception>
    public CemPolicy(QCritic q, QCem cem, Space observationSpace, ActionScaling scaling, bool deterministic, long seed, double epsilon = 0, double sigma = 0,
        ObservationNormalizer? normalizer = null)
    {
        this.q = q ?? throw new ArgumentNullException(nameof(q));
        this.cem = cem ?? throw new ArgumentNullException(nameof(cem));
        this.observationSpace = observationSpace ?? throw new ArgumentNullException(nameof(observationSpace));
        this.scaling = scaling ?? throw new ArgumentNullException(nameof(scaling));
        int inputSize = QInputs.Size(observationSpace);
        if (q.ObservationSize != inputSize || q.ActionSize != scaling.Size || cem.ObservationSize != inputSize || cem.ActionSize != scaling.Size)
        {
            throw new ArgumentException(
                $"CemPolicy: expected a critic and a maximizer of {inputSize} inputs ({observationSpace.Describe()}) and {scaling.Size} action values, got {q.ObservationSize} and {q.ActionSize}, {cem.ObservationSize} and {cem.ActionSize}.");
        }
        if (normalizer is not null && (observationSpace is not Box || normalizer.Size != inputSize))
            throw new ArgumentException($"CemPolicy: expected a normalizer of {inputSize} features over a Box observation space, got one of {normalizer.Size} over {observationSpace.Describe()}.");
        if (!(epsilon >= 0 && epsilon <= 1)) throw new ArgumentException($"CemPolicy: expected epsilon in [0, 1], got {epsilon}.");
        if (!(sigma >= 0 && double.IsFinite(sigma))) throw new ArgumentException($"CemPolicy: expected a finite sigma >= 0, got {sigma}.");
        this.deterministic = deterministic;
        this.seed = seed;
        this.epsilon = epsilon;
        this.sigma = sigma;
        this.normalizer = normalizer;
        inputs = new float[inputSize];
        greedy = new float[scaling.Size];
        normalized = new double[scaling.Size];
        rng = new Rng(seed);
    }

    /// <inheritdoc />
    public int ObservationSize => observationSpace.FlatSize;

    /// <inheritdoc />
    public int ActionSize => scaling.Size;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize || action.Length != ActionSize)
            throw new PolicyInputException($"CemPolicy: expected an observation of {ObservationSize} and an action buffer of {ActionSize}, got {observation.Length} and {action.Length}.");
        if (normalizer is null) QInputs.Encode(observationSpace, observation, inputs);
        else normalizer.Apply(observation, inputs);
        if (deterministic) rng = new Rng(seed);
        cem.Maximize(q, inputs, 1, rng, greedy);
        bool explore = !deterministic && epsilon > 0 && rng.NextDouble() < epsilon;
        for (int j = 0; j < normalized.Length; j++)
        {
            double y = explore ? rng.Uniform(-1, 1) : greedy[j] + (!deterministic && sigma > 0 ? sigma * rng.Normal() : 0);
            normalized[j] = Math.Clamp(y, -1, 1);
        }
        scaling.ToEnv(normalized, action);
    }

    /// <inheritdoc />
    public void Reset() { }
}
