using Control.Core.Metrics;

namespace Control.Core.Tests.Metrics;

public class CsvMetricsSinkTests
{
    private static MetricsRow Row(int iteration, double a, double b)
        => new(iteration, 100L * iteration, TimeSpan.FromMilliseconds(1234.5678 * iteration), new Dictionary<string, double> { ["train/b"] = b, ["rollout/a"] = a });

    [Fact]
    public void WritesTheHeaderAndFlushesEveryRow()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-metrics-{Guid.NewGuid():N}", "metrics.csv");
        try
        {
            using var sink = new CsvMetricsSink(path);
            sink.Write(Row(1, 0.5, double.NaN));
            // Read while the sink is open: the row is on disk already.
            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            using (var reader = new StreamReader(stream))
            {
                Assert.Equal("iteration,env_steps,time_s,rollout/a,train/b\n1,100,1.235,0.5,NaN\n", reader.ReadToEnd());
            }
            Assert.Throws<ArgumentException>(() => sink.Write(new MetricsRow(2, 200, TimeSpan.Zero, new Dictionary<string, double> { ["rollout/a"] = 1 })));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void AppendingContinuesALogWithTheSameHeaderAndRefusesAnother()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-metrics-{Guid.NewGuid():N}.csv");
        try
        {
            using (var first = new CsvMetricsSink(path)) first.Write(Row(1, 1, 2));
            using (var second = new CsvMetricsSink(path, append: true)) second.Write(Row(2, 3, 4));
            Assert.Equal(["iteration,env_steps,time_s,rollout/a,train/b", "1,100,1.235,1,2", "2,200,2.469,3,4"], File.ReadAllLines(path));
            using var other = new CsvMetricsSink(path, append: true);
            var e = Assert.Throws<ArgumentException>(() => other.Write(new MetricsRow(3, 300, TimeSpan.Zero, new Dictionary<string, double> { ["c"] = 1 })));
            Assert.Contains("expected 'iteration,env_steps,time_s,c'", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
