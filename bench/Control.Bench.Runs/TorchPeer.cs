// Runs the PyTorch side of a benchmark: a script of bench/ under Debian's /usr/bin/python3 (python3-torch), with
// its BLAS and OpenMP thread counts pinned and idle OpenMP workers sleeping rather than spinning (on a shared 2-core
// VM a spinning worker competes for the core the other one needs; see the two-thread figures of bench/RESULTS.md).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Control.Bench.Runs;

/// <summary>The PyTorch peer of the benchmarks.</summary>
public static class TorchPeer
{
    /// <summary>Runs bench/<paramref name="script"/> with <paramref name="arguments"/> on <paramref name="threads"/> threads; returns the JSON object it prints.</summary>
    /// <exception cref="InvalidOperationException">Python could not start or the script failed (its error output is in the message).</exception>
    public static JsonElement Run(string script, int threads, params string[] arguments)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "bench", script);
        string t = threads.ToString(CultureInfo.InvariantCulture);
        var start = new ProcessStartInfo("/usr/bin/python3", [path, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMP_NUM_THREADS"] = t;
        start.Environment["OPENBLAS_NUM_THREADS"] = t;
        start.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"bench/{script} failed (is python3-torch installed?): {error.Result.Trim()}");
        return JsonDocument.Parse(output).RootElement;
    }
}
