// The ONNX files of the runtime tests, written once per test run by Onnx/contract_models.py under Debian's
// /usr/bin/python3 (python3-onnx, installed by test.sh) into a temporary directory, with the float32 weights of the
// two conforming policies for the tests' own forward pass. A missing interpreter or onnx package is a failure.
using System.Diagnostics;
using System.Text.Json;

namespace Control.Deploy.Tests.Onnx;

public sealed class OnnxModels : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("control-onnx-");

    public OnnxModels()
    {
        string script = System.IO.Path.Combine(AppContext.BaseDirectory, "Onnx", "contract_models.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script, directory.FullName])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        string error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"contract_models.py failed (is python3-onnx installed? run ./test.sh): {error}");

        using JsonDocument weights = JsonDocument.Parse(File.ReadAllText(Path("weights", "json")));
        JsonElement box = weights.RootElement.GetProperty("box"), discrete = weights.RootElement.GetProperty("discrete");
        BoxW1 = Matrix(box.GetProperty("w1"));
        BoxB1 = Vector(box.GetProperty("b1"));
        BoxW2 = Matrix(box.GetProperty("w2"));
        BoxB2 = Vector(box.GetProperty("b2"));
        BoxClip = box.GetProperty("clip").GetDouble();
        BoxLogStd = Vector(box.GetProperty("log_std"));
        DiscreteW = Matrix(discrete.GetProperty("w"));
        DiscreteB = Vector(discrete.GetProperty("b"));
    }

    public double[][] BoxW1 { get; }
    public double[] BoxB1 { get; }
    public double[][] BoxW2 { get; }
    public double[] BoxB2 { get; }
    public double BoxClip { get; }
    public double[] BoxLogStd { get; }
    public double[][] DiscreteW { get; }
    public double[] DiscreteB { get; }

    /// <summary>The path of the model <paramref name="name"/> (e.g. "box", "wrong_version").</summary>
    public string Path(string name, string extension = "onnx") => System.IO.Path.Combine(directory.FullName, $"{name}.{extension}");

    /// <summary>A path in the temporary directory for a test's own file.</summary>
    public string Scratch(string fileName) => System.IO.Path.Combine(directory.FullName, fileName);

    /// <summary>The box policy by hand, in double: clip(W2 tanh(W1 x + b1) + b2, -clip, clip), and the pre-clip mean.</summary>
    public (double[] Action, double[] Mean) BoxForward(ReadOnlySpan<double> x)
    {
        double[] h = Affine(BoxW1, BoxB1, x).Select(Math.Tanh).ToArray();
        double[] mean = Affine(BoxW2, BoxB2, h);
        return (mean.Select(u => Math.Clamp(u, -BoxClip, BoxClip)).ToArray(), mean);
    }

    /// <summary>The discrete policy's Q-values by hand, in double: W x + b.</summary>
    public double[] DiscreteQ(ReadOnlySpan<double> x) => Affine(DiscreteW, DiscreteB, x);

    public void Dispose() => directory.Delete(recursive: true);

    private static double[] Affine(double[][] w, double[] b, ReadOnlySpan<double> x)
    {
        double[] y = new double[w.Length];
        for (int i = 0; i < w.Length; i++)
        {
            double sum = b[i];
            for (int j = 0; j < x.Length; j++) sum += w[i][j] * x[j];
            y[i] = sum;
        }
        return y;
    }

    private static double[] Vector(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    private static double[][] Matrix(JsonElement e) => [.. e.EnumerateArray().Select(Vector)];
}
