// Gymnasium's TimeLimit: truncates an episode after a fixed number of steps.
using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>Sets Truncated on the step that reaches <see cref="MaxSteps"/>, also when that step terminated (as Gymnasium does).</summary>
public sealed class TimeLimit : Wrapper
{
    private bool ended = true;

    /// <summary>Limits episodes of <paramref name="inner"/> to <paramref name="maxSteps"/> steps.</summary>
    public TimeLimit(IEnv inner, int maxSteps) : base(inner)
    {
        if (maxSteps <= 0) throw new ArgumentOutOfRangeException(nameof(maxSteps), maxSteps, $"{inner.Name}: expected a positive step limit");
        MaxSteps = maxSteps;
    }

    /// <summary>Steps per episode at most.</summary>
    public int MaxSteps { get; }

    /// <summary>Steps taken in the current episode.</summary>
    public int ElapsedSteps { get; private set; }

    /// <inheritdoc />
    public override void Reset(Span<double> observation, long? seed = null)
    {
        Inner.Reset(observation, seed);
        ElapsedSteps = 0;
        ended = false;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        if (ended && ElapsedSteps >= MaxSteps)
            throw new EnvStateException(Name, $"step called after the episode was truncated at {MaxSteps} steps; expected Reset before the next Step");
        StepResult r = Inner.Step(action, observation);
        ElapsedSteps++;
        if (ElapsedSteps >= MaxSteps) r = r with { Truncated = true };
        ended = r.Done;
        return r;
    }

    /// <inheritdoc />
    protected override void WriteState(BinaryWriter writer)
    {
        writer.Write(ElapsedSteps);
        writer.Write(ended);
    }

    /// <inheritdoc />
    protected override void ReadState(BinaryReader reader)
    {
        ElapsedSteps = reader.ReadInt32();
        ended = reader.ReadBoolean();
    }
}
