// `control train` killed with SIGKILL as a real process at seeded-random moments (after a seeded-random number of
// logged iterations plus a seeded-random delay, with a checkpoint after every iteration so that kills land in
// updates, in row writes and in checkpoint writes), then resumed from its last checkpoint until done: the final
// checkpoint's bytes, the evaluation and the metrics log (all columns but time_s) equal an uninterrupted run's,
// time_s never goes back, and no file is ever half-written. `control mbrl` likewise, killed in its fits, its
// controller's runs and its writes: the report and mbrl.csv (but the wall-clock fields) and every section of its
// checkpoint mbrl.ctl but the timing equal the uninterrupted run's.
using System.Diagnostics;
using System.Text.Json;
using Control.Experiments.Artifacts;
using Control.ModelBased;
using Control.Policies.Common;
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

            string checkpoint = Path.Combine(crashed, "checkpoint.ctl");
            (JsonElement? finished, int kills, int midWrite) = RunThroughKills(common, crashed, checkpoint, Path.Combine(crashed, "metrics.csv"), new Random(killSeed), 1, 3, 30);
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

    // bptt's training steps the analytic pendulum through tensor sines: it repeats across processes only since those
    // no longer depend on the JIT's tier (TrigonometryTests).
    [Theory]
    [InlineData("mpc-ilqr", 1000, 14)]
    [InlineData("bptt", 600, 15)]
    public void AKilledAndResumedMbrlRunEndsAsTheUninterruptedRun(string method, int steps, int killSeed)
    {
        string straight = TempDirectory(), crashed = TempDirectory();
        try
        {
            string[] common = ["mbrl", "--env", "pendulum", "--method", method, "--steps", $"{steps}", "--seed", "6", "--json"];
            (int code, string stdout, string stderr) = RunToEnd([.. common, "--out", straight]);
            Assert.True(code == 0, stderr);
            JsonElement expected = LastLineJson(stdout);

            string checkpoint = Path.Combine(crashed, RunFiles.ModelBasedCheckpoint);
            // Kills anywhere in an iteration: up to 1.5 s after a row (an iteration takes about a second).
            (JsonElement? finished, int kills, int midWrite) = RunThroughKills(common, crashed, checkpoint, Path.Combine(crashed, RunFiles.ModelBasedIterations), new Random(killSeed), 0, 2, 1500);
            output.WriteLine($"mbrl {method}: {kills} kills, {midWrite} of them during a file write (a temporary file left)");
            Assert.NotNull(finished);
            Assert.True(kills >= 1, "no kill landed before the run finished");
            foreach (string key in new[] { "env_steps", "return_learned", "return_true_model", "return_random", "worst_episode_return", "fallbacks" })
                Assert.Equal(expected.GetProperty(key).GetRawText(), finished.Value.GetProperty(key).GetRawText());
            Assert.Equal(Iterations(expected), Iterations(finished.Value));
            Assert.Equal(WithoutLastColumn(Path.Combine(straight, RunFiles.ModelBasedIterations)), WithoutLastColumn(Path.Combine(crashed, RunFiles.ModelBasedIterations)));
            Checkpoint a = Checkpoint.Load(Path.Combine(straight, RunFiles.ModelBasedCheckpoint)), b = Checkpoint.Load(checkpoint);
            Assert.Equal(a.Sections, b.Sections);
            foreach (string section in a.Sections.Where(s => s != ModelBasedSections.Timing))
                Assert.True(Bytes(a, section).SequenceEqual(Bytes(b, section)), $"section '{section}' of the resumed run's checkpoint differs from the uninterrupted run's");
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

    // Runs `common` with --out `directory` to its end through kills: four times a run (resuming `checkpoint` once it
    // exists) is killed with SIGKILL once `log` has a seeded-random [minRows, maxRows) rows more than before it and a
    // seeded-random delay below maxDelayMs has passed; then a run finishes. Returns its report (null if eight runs did
    // not finish it), the kills that landed and how many of them left a temporary file (killed in a file write).
    private static (JsonElement? Report, int Kills, int MidWrite) RunThroughKills(string[] common, string directory, string checkpoint, string log, Random random,
        int minRows, int maxRows, int maxDelayMs)
    {
        int kills = 0, midWrite = 0;
        for (int attempt = 0; attempt < 8; attempt++)
        {
            string[] args = File.Exists(checkpoint) ? [.. common, "--out", directory, "--resume", checkpoint] : [.. common, "--out", directory];
            if (kills < 4)
            {
                bool killed = RunAndKill(args, log, Rows(log) + random.Next(minRows, maxRows), random.Next(0, maxDelayMs));
                if (killed)
                {
                    kills++;
                    if (Directory.GetFiles(directory, ".*.tmp").Length > 0) midWrite++;
                    AssertCompleteCheckpoint(checkpoint);
                    continue;
                }
            }
            (int code, string stdout, string stderr) = RunToEnd(args);
            Assert.True(code == 0, stderr);
            return (LastLineJson(stdout), kills, midWrite);
        }
        return (null, kills, midWrite);
    }

    // The iterations of an mbrl report without their wall-clock fields.
    private static string[] Iterations(JsonElement report) => [.. report.GetProperty("iterations").EnumerateArray().Select(it =>
        string.Join(",", it.EnumerateObject().Where(p => p.Name is not ("fit_seconds" or "fit_transitions_per_second")).Select(p => $"{p.Name}={p.Value.GetRawText()}")))];

    // The rows of a CSV file without their last column (mbrl.csv's fit_seconds).
    private static string[] WithoutLastColumn(string path) => [.. File.ReadAllLines(path).Select(l => l[..l.LastIndexOf(',')])];

    private static byte[] Bytes(Checkpoint checkpoint, string section) => checkpoint.Get(section, r => r.ReadBytes((int)r.BaseStream.Length));

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
        Checkpoint.Load(path);
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
