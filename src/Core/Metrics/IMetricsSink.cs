namespace Control.Core.Metrics;

/// <summary>Where training metrics go, one row per iteration (a CSV file, a console, a dashboard).</summary>
public interface IMetricsSink : IDisposable
{
    /// <summary>Writes one row; a sink that keeps rows must not lose it if the process stops after this returns.</summary>
    void Write(MetricsRow row);
}
