namespace Control.Core.Envs;

/// <summary>The integers 0 .. <see cref="N"/> - 1, carried as one double.</summary>
public sealed record Discrete : Space
{
    /// <summary>A space of <paramref name="n"/> choices.</summary>
    public Discrete(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Discrete needs at least one choice.");
        N = n;
    }

    /// <summary>Number of choices.</summary>
    public int N { get; }

    /// <inheritdoc />
    public override int FlatSize => 1;

    /// <inheritdoc />
    public override bool Contains(ReadOnlySpan<double> value)
        => value.Length == 1 && value[0] >= 0 && value[0] < N && value[0] == Math.Floor(value[0]);

    /// <inheritdoc />
    public override void Sample(Rng rng, Span<double> destination) => destination[0] = rng.NextInt(N);

    /// <inheritdoc />
    public override string Describe() => $"Discrete({N})";
}
