// Small run directories written by hand in the formats the runs write (metrics.csv, mbrl.csv, trajectory.csv,
// ticks.csv, summary.json), so that the plot and report tests run in milliseconds and know what to expect.
using System.Globalization;
using System.Text;

namespace Control.Cli.Tests;

internal sealed class RunFilesFixture : IDisposable
{
    public RunFilesFixture() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"control-ux-{Guid.NewGuid():N}");

    public string Dir(string name)
    {
        string path = Path.Combine(Root, name);
        Directory.CreateDirectory(path);
        return path;
    }

    public string Training(string name, int seed)
    {
        var text = new StringBuilder("iteration,env_steps,time_s,rollout/episode_return,train/loss\n");
        for (int i = 1; i <= 20; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{1000 * i},{0.1 * i},{-1000 + 40 * i + 10 * seed},{1.0 / i}\n");
        return Write(name, "metrics.csv", text.ToString());
    }

    public string ModelBased(string name)
    {
        var text = new StringBuilder("env_steps,holdout_loss,multi_step_error,episode_return,fit_seconds\n");
        for (int i = 1; i <= 6; i++) text.Append(CultureInfo.InvariantCulture, $"{200 * i},{0.5 / i},{1.0 / i},{-1200 + 150 * i},0.5\n");
        return Write(name, "mbrl.csv", text.ToString());
    }

    public string Trajectory(string name)
    {
        var text = new StringBuilder("time_s,x0,x1,u0,reward\n");
        for (int i = 0; i < 100; i++) text.Append(CultureInfo.InvariantCulture, $"{0.05 * i},{Math.Cos(0.1 * i)},{Math.Sin(0.1 * i)},{Math.Tanh(1 - 0.05 * i)},-1\n");
        return Write(name, "trajectory.csv", text.ToString());
    }

    public string Ticks(string name)
    {
        var text = new StringBuilder("tick,busy_us,policy_us,jitter_us\n");
        for (int i = 0; i < 500; i++) text.Append(CultureInfo.InvariantCulture, $"{i},{50 + (i * 37 % 40)},{30 + (i % 20)},{i % 7}\n");
        return Write(name, "ticks.csv", text.ToString());
    }

    public string Write(string name, string file, string text)
    {
        string directory = Dir(name);
        File.WriteAllText(Path.Combine(directory, file), text);
        return directory;
    }

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
