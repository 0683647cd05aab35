// Gymnasium's RecordEpisodeStatistics: return and length of every finished episode.
using Control.Core.Envs;

namespace Control.Robots.Wrappers;

/// <summary>Records the return and length of each finished episode; keeps the last <see cref="Capacity"/>.</summary>
public sealed class EpisodeStatistics(IEnv inner, int capacity = 100) : Wrapper(inner)
{
    private readonly Queue<EpisodeSummary> recent = new();
    private double episodeReturn;
    private int episodeLength;

    /// <summary>How many recent episodes are kept.</summary>
    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "expected a positive capacity");

    /// <summary>Finished episodes so far.</summary>
    public int EpisodeCount { get; private set; }

    /// <summary>The most recent finished episode, if any.</summary>
    public EpisodeSummary? LastEpisode { get; private set; }

    /// <summary>The last <see cref="Capacity"/> finished episodes, oldest first.</summary>
    public IReadOnlyCollection<EpisodeSummary> Recent => recent;

    /// <inheritdoc />
    public override void Reset(Span<double> observation, long? seed = null)
    {
        Inner.Reset(observation, seed);
        episodeReturn = 0;
        episodeLength = 0;
    }

    /// <inheritdoc />
    public override StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        StepResult r = Inner.Step(action, observation);
        episodeReturn += r.Reward;
        episodeLength++;
        if (r.Done)
        {
            var summary = new EpisodeSummary(episodeReturn, episodeLength, r.Terminated);
            LastEpisode = summary;
            EpisodeCount++;
            recent.Enqueue(summary);
            if (recent.Count > Capacity) recent.Dequeue();
        }
        return r;
    }

    /// <inheritdoc />
    protected override void WriteState(BinaryWriter writer)
    {
        writer.Write(episodeReturn);
        writer.Write(episodeLength);
        writer.Write(EpisodeCount);
        writer.Write(recent.Count);
        foreach (EpisodeSummary e in recent)
        {
            writer.Write(e.Return);
            writer.Write(e.Length);
            writer.Write(e.Terminated);
        }
    }

    /// <inheritdoc />
    protected override void ReadState(BinaryReader reader)
    {
        episodeReturn = reader.ReadDouble();
        episodeLength = reader.ReadInt32();
        EpisodeCount = reader.ReadInt32();
        int count = reader.ReadInt32();
        recent.Clear();
        for (int i = 0; i < count; i++) recent.Enqueue(new EpisodeSummary(reader.ReadDouble(), reader.ReadInt32(), reader.ReadBoolean()));
        LastEpisode = recent.Count > 0 ? recent.Last() : null;
    }
}
