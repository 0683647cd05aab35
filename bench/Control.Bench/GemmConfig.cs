using BenchmarkDotNet.Configs;

namespace Control.Bench;

/// <summary>Adds the GFLOP/s column (2 m n k over the mean time) to the summary.</summary>
public sealed class GemmConfig : ManualConfig
{
    public GemmConfig() => AddColumn(new GflopsColumn());
}
