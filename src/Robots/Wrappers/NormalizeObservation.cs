// Observation normalization by running statistics, as Gymnasium's NormalizeObservation and SB3's VecNormalize.
using Control.Core;
using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>
/// Returns (obs - mean) / sqrt(var + 1e-8), clipped to +-<see cref="Clip"/>, with mean and var updated from every
/// observation while <see cref="Training"/> is true. Save the statistics with the policy; load them to evaluate.
/// </summary>
public sealed class NormalizeObservation : Wrapper
{
    private readonly double[] raw;

    /// <summary>Normalizes the Box observations of <paramref name="inner"/>.</summary>
    public NormalizeObservation(IEnv inner, double clip = 10.0, RunningMeanStd? statistics = null) : base(inner)
    {
        if (inner.ObservationSpace is not Box box)
            throw new ArgumentException($"{inner.Name}: NormalizeObservation expects a Box observation space, got {inner.ObservationSpace.Describe()}.");
        if (!(clip > 0))
            throw new ArgumentOutOfRangeException(nameof(clip), clip, $"{inner.Name}: NormalizeObservation expects a positive clip bound");
        if (statistics is not null && statistics.Size != box.FlatSize)
            throw new ArgumentException($"{inner.Name}: expected statistics of size {box.FlatSize}, got size {statistics.Size}.");
        Statistics = statistics ?? new RunningMeanStd(box.FlatSize);
        Clip = clip;
        raw = new double[box.FlatSize];
        ObservationSpace = Box.Uniform(box.FlatSize, -clip, clip);
    }

    /// <summary>The running statistics: save and load them with the policy. Do not share one instance between wrappers stepped on different threads.</summary>
    public RunningMeanStd Statistics { get; }

    /// <summary>Bound of normalized values (10 as in Stable-Baselines3's VecNormalize).</summary>
    public double Clip { get; }

    /// <summary>Whether observations update the statistics (turn off to evaluate).</summary>
    public bool Training { get; set; } = true;

    /// <inheritdoc />
    public override Space ObservationSpace { get; }

    /// <inheritdoc />
    public override void Reset(Span<double> observation, long? seed = null)
    {
        EnvChecks.ObservationLength(this, observation);
        Inner.Reset(raw, seed);
        Normalize(observation);
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        EnvChecks.ObservationLength(this, observation);
        StepResult r = Inner.Step(action, raw);
        Normalize(observation);
        return r;
    }

    private void Normalize(Span<double> observation)
    {
        if (Training) Statistics.Update(raw);
        Statistics.Normalize(raw, observation, clip: Clip);
    }

    /// <inheritdoc />
    protected override void WriteState(BinaryWriter writer)
    {
        writer.Write(Training);
        Statistics.Write(writer);
    }

    /// <inheritdoc />
    protected override void ReadState(BinaryReader reader)
    {
        Training = reader.ReadBoolean();
        Statistics.Read(reader);
    }
}
