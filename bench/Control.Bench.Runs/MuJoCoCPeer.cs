// The C side of `control bench mujoco`: bench/mujoco/step_rate.c (copied to the output under bench/), compiled by
// `cc -O2` against libmujoco into a temporary directory together with the model files it loads, then run once per
// measurement. Disposing removes the directory.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Control.Bench.Runs;

/// <summary>One run of the C program: its rate, its time per Jacobian and the checksum of its final states.</summary>
/// <param name="StepsPerSecond">mj_steps per second, all threads together (step mode).</param>
/// <param name="StepsPerCpuSecond">mj_steps per second of the threads' summed CPU time (step mode).</param>
/// <param name="UsPerJacobian">Microseconds per mjd_transitionFD call (fd modes).</param>
/// <param name="Checksum">Sum of every thread's final state.</param>
public readonly record struct MuJoCoCResult(double StepsPerSecond, double StepsPerCpuSecond, double UsPerJacobian, double Checksum);

/// <summary>The compiled C step-rate program and its model files.</summary>
public sealed class MuJoCoCPeer : IDisposable
{
    private readonly string directory;
    private readonly string program;

    private MuJoCoCPeer(string directory)
    {
        this.directory = directory;
        program = Path.Combine(directory, "step_rate");
    }

    /// <summary>Compiles bench/step_rate.c into a new temporary directory.</summary>
    /// <exception cref="InvalidOperationException">The source is missing, or cc failed or could not start (its output is in the message).</exception>
    public static MuJoCoCPeer Compile()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "bench", "step_rate.c");
        if (!File.Exists(source)) throw new InvalidOperationException($"{source} is missing from the build output");
        string directory = Directory.CreateTempSubdirectory("control-bench-mujoco-").FullName;
        var peer = new MuJoCoCPeer(directory);
        try
        {
            Execute("cc", ["-O2", "-std=c11", "-D_POSIX_C_SOURCE=200809L", source, "-lmujoco", "-lpthread", "-lm", "-o", peer.program]);
            return peer;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            peer.Dispose();
            throw new InvalidOperationException($"could not compile bench/step_rate.c (needs cc and libmujoco-dev): {e.Message}", e);
        }
    }

    /// <summary>Writes <paramref name="xml"/> as <paramref name="fileName"/> beside the program; returns its path.</summary>
    public string WriteModel(string fileName, string xml)
    {
        string path = Path.Combine(directory, fileName);
        File.WriteAllText(path, xml);
        return path;
    }

    /// <summary>Runs the program: <paramref name="mode"/> step, fd or fdc; <paramref name="count"/> steps per thread or Jacobians.</summary>
    /// <exception cref="InvalidOperationException">The program failed or printed something else than its JSON object.</exception>
    public MuJoCoCResult Run(string modelPath, string mode, int threads, long count, int horizon, ulong seed)
    {
        string output = Execute(program, [modelPath, mode, I(threads), I(count), I(horizon), seed.ToString(CultureInfo.InvariantCulture)]);
        try
        {
            JsonElement root = JsonDocument.Parse(output).RootElement;
            return new MuJoCoCResult(root.GetProperty("steps_per_second").GetDouble(), root.GetProperty("steps_per_cpu_second").GetDouble(),
                root.GetProperty("us_per_jacobian").GetDouble(),
                root.GetProperty("checksum").GetDouble());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidOperationException($"step_rate printed '{output.Trim()}', expected its JSON object", e);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }
    }

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Execute(string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {process.ExitCode}: {error.Result.Trim()}");
        return output;
    }
}
