// Runs tests/Tensors.Tests/Reference/torch_reference.py under Debian's /usr/bin/python3 (python3-torch, installed by
// test.sh) and returns its JSON answer. A missing interpreter or torch is a test failure, not a skip.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Control.Tensors.Tests;

internal static class TorchReference
{
    public static JsonElement Ask(JsonObject request)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "Reference", "torch_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"torch reference failed (is python3-torch installed? run ./test.sh): {error}");
        return JsonDocument.Parse(output).RootElement;
    }

    public static JsonArray Array(IEnumerable<double> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    public static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
