namespace Control.Deploy.Loop;

/// <summary>
/// Distribution of one per-tick duration over a run, in microseconds. Percentiles are nearest-rank over every tick
/// (the smallest recorded value with at least p% of the ticks at or below it), so each is a value some tick had.
/// </summary>
/// <param name="Count">Ticks summarized.</param>
/// <param name="P50Microseconds">Median.</param>
/// <param name="P99Microseconds">99th percentile.</param>
/// <param name="MaxMicroseconds">Largest value.</param>
/// <param name="MeanMicroseconds">Mean.</param>
public readonly record struct TimingSummary(int Count, double P50Microseconds, double P99Microseconds, double MaxMicroseconds, double MeanMicroseconds);
