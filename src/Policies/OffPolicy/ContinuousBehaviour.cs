using Control.Core;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.OffPolicy;

/// <summary>
/// The behaviour of a continuous actor-critic: uniformly random actions over the Box before
/// <see cref="LearningStarts"/> env steps (Stable-Baselines3's warm-up, which fills replay with a broad spread of
/// actions), then the subclass's proposal in [-1, 1]^A (the actor plus noise, or a sample of a stochastic actor),
/// clipped to [-1, 1] and mapped onto the Box.
/// </summary>
public abstract class ContinuousBehaviour : IBehaviourPolicy
{
    private readonly double[] normalized;
    private readonly int observationSize;

    /// <summary>Acts for <paramref name="copies"/> env copies with observations of <paramref name="observationSize"/> inputs.</summary>
    protected ContinuousBehaviour(ActionScaling scaling, int observationSize, int copies, long learningStarts, Rng rng)
    {
        Scaling = scaling ?? throw new ArgumentNullException(nameof(scaling));
        Rng = rng ?? throw new ArgumentNullException(nameof(rng));
        if (observationSize <= 0 || copies <= 0 || learningStarts < 0)
            throw new ArgumentException($"{GetType().Name}: expected positive observation size and copies and learning starts >= 0, got {observationSize}, {copies} and {learningStarts}.");
        this.observationSize = observationSize;
        Copies = copies;
        LearningStarts = learningStarts;
        normalized = new double[copies * scaling.Size];
    }

    /// <summary>
    /// The behaviour of a deterministic actor with <paramref name="noise"/> of scale <paramref name="sigma"/> (and, for
    /// Ornstein-Uhlenbeck, reversion rate <paramref name="theta"/> and time step <paramref name="dt"/>).
    /// </summary>
    public static ContinuousBehaviour Around(DeterministicActor actor, ExplorationNoise noise, double sigma, double theta, double dt,
        ActionScaling scaling, int copies, long learningStarts, Rng rng) => noise switch
    {
        ExplorationNoise.Gaussian => new GaussianNoiseBehaviour(actor, sigma, scaling, copies, learningStarts, rng),
        ExplorationNoise.OrnsteinUhlenbeck => new OrnsteinUhlenbeckBehaviour(actor, sigma, theta, dt, scaling, copies, learningStarts, rng),
        _ => throw new ArgumentException($"ContinuousBehaviour: expected Gaussian or OrnsteinUhlenbeck noise, got {noise}."),
    };

    /// <summary>The exploration generator (replaced when a checkpoint is restored).</summary>
    public Rng Rng { get; set; }

    /// <summary>The map from [-1, 1]^A onto the Box.</summary>
    public ActionScaling Scaling { get; }

    /// <summary>Env copies acted for.</summary>
    public int Copies { get; }

    /// <summary>Env steps of uniformly random actions.</summary>
    public long LearningStarts { get; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<float> inputs, long envSteps, Span<double> actions)
    {
        int n = Copies, a = Scaling.Size;
        if (inputs.Length != n * observationSize || actions.Length != n * a)
            throw new ArgumentException($"{GetType().Name}: expected {n} rows of {observationSize} inputs and {n * a} action values, got {inputs.Length} and {actions.Length}.");
        if (envSteps < LearningStarts)
        {
            for (int i = 0; i < normalized.Length; i++) normalized[i] = Rng.Uniform(-1, 1);
        }
        else
        {
            Propose(inputs, normalized);
            for (int i = 0; i < normalized.Length; i++) normalized[i] = Math.Clamp(normalized[i], -1, 1);
        }
        Scaling.ToEnv(normalized, actions);
    }

    /// <summary>Writes the normalized actions (copies x A) for the inputs (copies x observation size).</summary>
    protected abstract void Propose(ReadOnlySpan<float> inputs, Span<double> normalizedActions);

    /// <inheritdoc />
    public virtual void EpisodeEnded(int copy) { }

    /// <summary>Writes the behaviour's state beyond its generator (none by default).</summary>
    public virtual void Write(BinaryWriter writer) { }

    /// <summary>Restores what <see cref="Write"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The stored state does not fit.</exception>
    public virtual void Read(BinaryReader reader) { }

    /// <summary>The outputs of <paramref name="actor"/> (normalized actions) for the inputs, without gradient, into <paramref name="destination"/>.</summary>
    protected void ForwardActor(Module actor, ReadOnlySpan<float> inputs, Span<double> destination)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        Tensor x = Tensor.Zeros(Copies, observationSize);
        inputs.CopyTo(x.Span<float>());
        ReadOnlySpan<float> y = actor.Forward(x).Span<float>();
        for (int i = 0; i < destination.Length; i++) destination[i] = y[i];
    }
}
