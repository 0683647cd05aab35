// `control train` killed with SIGKILL as a real process at seeded-random moments (after a seeded-random number of
// logged iterations plus a seeded-random delay, with a checkpoint after every iteration so that kills land in
// updates, in row writes and in checkpoint writes), then resumed from its last checkpoint until done: the final
// checkpoint's bytes, the evaluation and the metrics log (all columns but time_s) equal an uninterrupted run's,
// time_s never goes back, and no file is ever half-written.
using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Control.Cli.Tests;

public class CrashResumeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("cartpole", "ppo", 2304, 11)]
    [InlineData("cartpole", "dqn", 2304, 12)]
    [InlineData("pendulum", "svg1", 1000, 13)]
    public void KilledAndResumedRunEndsBitExactlyAsTheUninterruptedRun(string env, string algo, int steps, int killSeed)
    {
        string straight = TempDirectory(), crashed = TempDirectory();
        try
        {
            string[] common = ["train", "--env", env, "--algo", algo, "--steps", $"{steps}", "--seed", "5", "--checkpoint-every", "1", "--json"];
            (int code, string stdout, string stderr) = RunToEnd([.. common, "--out", straight]);
            Assert.True(code == 0, stderr);
            JsonElement expected = LastLineJson(stdout);

            var random = new Random(killSeed);
            string checkpoint = Path.Combine(crashed, "checkpoint.ctl");
            int kills = 0, midWrite = 0;
            JsonElement? finished = null;
            for (int attempt = 0; attempt < 8 && finished is null; attempt++)
            {
                string[] args = File.Exists(checkpoint) ? [.. common, "--out", crashed, "--resume", checkpoint] : [.. common, "--out", crashed];
                // Four kills, then one run left to finish.
                if (kills < 4)
                {
                    int rowsNow = Rows(Path.Combine(crashed, "metrics.csv"));
                    bool killed = RunAndKill(args, Path.Combine(crashed, "metrics.csv"), rowsNow + random.Next(1, 3), random.Next(0, 30));
                    if (killed)
                    {
                        kills++;
                        if (Directory.GetFiles(crashed, ".*.tmp").Length > 0) midWrite++;
                        AssertCompleteCheckpoint(checkpoint);
                        continue;
                    }
                }
                (code, stdout, stderr) = RunToEnd(args);
                Assert.True(code == 0, stderr);
                finished = LastLineJson(stdout);
            }
            output.WriteLine($"{algo}: {kills} kills, {midWrite} of them during a file write (a temporary file left)");
            Assert.NotNull(finished);
            Assert.True(kills >= 1, "no kill landed before the run finished");
            Assert.Equal(expected.GetProperty("eval_return").GetDouble(), finished.Value.GetProperty("eval_return").GetDouble());
            Assert.Equal(expected.GetProperty("env_steps").GetInt64(), finished.Value.GetProperty("env_steps").GetInt64());
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "checkpoint.ctl")), File.ReadAllBytes(checkpoint));
            (string[] straightRows, double[] straightTimes) = Log(Path.Combine(straight, "metrics.csv"));
            (string[] crashedRows, double[] crashedTimes) = Log(Path.Combine(crashed, "metrics.csv"));
            Assert.Equal(straightRows, crashedRows);
            for (int i = 1; i < crashedTimes.Length; i++) Assert.True(crashedTimes[i] >= crashedTimes[i - 1], $"time_s goes back at row {i}: {crashedTimes[i - 1]} then {crashedTimes[i]}");
            Assert.Empty(Directory.GetFiles(crashed, ".*.tmp"));
        }
        finally
        {
            foreach (string dir in new[] { straight, crashed })
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void ResumingACheckpointAlreadyAtTheBudgetTrainsNothingAndSaysSo()
    {
        string dir = TempDirectory();
        try
        {
            string[] common = ["train", "--env", "cartpole", "--algo", "ppo", "--steps", "512", "--seed", "2", "--out", dir];
            Assert.Equal(0, RunToEnd(common).Code);
            string log = File.ReadAllText(Path.Combine(dir, "metrics.csv"));
            (int code, string stdout, string stderr) = RunToEnd([.. common, "--resume", Path.Combine(dir, "checkpoint.ctl"), "--json"]);
            Assert.True(code == 0, stderr);
            JsonElement report = LastLineJson(stdout);
            Assert.Equal(0, report.GetProperty("steps_per_second").GetDouble());
            Assert.Equal(0, report.GetProperty("steps_trained").GetInt64());
            Assert.Equal(log, File.ReadAllText(Path.Combine(dir, "metrics.csv")));
            (code, stdout, _) = RunToEnd([.. common, "--resume", Path.Combine(dir, "checkpoint.ctl")]);
            Assert.Equal(0, code);
            Assert.Contains("nothing trained", stdout);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    private static string TempDirectory() => Path.Combine(Path.GetTempPath(), $"ctl-crash-{Guid.NewGuid():N}");

    private static JsonElement LastLineJson(string text) => JsonDocument.Parse(text.TrimEnd().Split('\n')[^1]).RootElement;

    // The built CLI beside the tests (the project reference copies it), run by the dotnet host.
    private static ProcessStartInfo Start(string[] args)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "control.dll");
        Assert.True(File.Exists(dll), $"expected the built CLI at {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        return info;
    }

    private static (int Code, string Output, string Error) RunToEnd(string[] args)
    {
        using var process = Process.Start(Start(args))!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    // Starts the run, waits until the log has `rows` rows, waits `delayMs` more and sends SIGKILL. False when the
    // process finished first.
    private static bool RunAndKill(string[] args, string log, int rows, int delayMs)
    {
        using var process = Process.Start(Start(args))!;
        process.StandardOutput.ReadToEndAsync();
        process.StandardError.ReadToEndAsync();
        while (!process.HasExited && Rows(log) < rows) Thread.Sleep(2);
        if (delayMs > 0) Thread.Sleep(delayMs);
        if (process.HasExited) return false;
        process.Kill(); // SIGKILL on Unix
        process.WaitForExit();
        return true;
    }

    private static int Rows(string log)
    {
        if (!File.Exists(log)) return 0;
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Math.Max(0, reader.ReadToEnd().Count(c => c == '\n') - 1);
    }

    private static void AssertCompleteCheckpoint(string path)
    {
        if (!File.Exists(path)) return;
        // The CLI's own loader checks the header, the length and the SHA-256 of the body.
        Policies.Common.Checkpoint.Load(path);
    }

    // The rows without the wall-clock columns (time_s and the time/* metrics), and time_s.
    private static (string[] Rows, double[] Times) Log(string path)
    {
        string[] lines = File.ReadAllLines(path);
        string[] header = lines[0].Split(',');
        Assert.Equal("iteration,env_steps,time_s", string.Join(",", header[..3]));
        bool Kept(int column) => column != 2 && !header[column].StartsWith("time/", StringComparison.Ordinal);
        var rows = lines.Select(l => string.Join(",", l.Split(',').Where((_, i) => Kept(i)))).ToArray();
        var times = lines.Skip(1).Select(l => double.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (rows, times);
    }
}
