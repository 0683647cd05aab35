// The ONNX project's own reader and checker (Debian's python3-onnx, independent of our .proto and of ONNX Runtime)
// on every export: the model must pass check_model with full_check (which runs strict shape inference, so the declared
// output shapes must be the inferred ones), and what it reads back (IR version, opset, inputs, outputs, metadata)
// must be what the contract says. One python process reads all files.
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Policies.Common;

namespace Control.Deploy.Export.Tests.Onnx;

public class OnnxCheckerTests
{
    private const string Script = """
        import json, sys, onnx
        for path in sys.argv[1:]:
            row = {"path": path}
            try:
                model = onnx.load(path)
                onnx.checker.check_model(model, full_check=True)
                row["error"] = None
                row["ir_version"] = model.ir_version
                row["opsets"] = [[o.domain, o.version] for o in model.opset_import]
                row["inputs"] = [[i.name, [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim]] for i in model.graph.input]
                row["outputs"] = [[o.name, o.type.tensor_type.elem_type, [d.dim_param or d.dim_value for d in o.type.tensor_type.shape.dim]] for o in model.graph.output]
                row["metadata"] = {p.key: p.value for p in model.metadata_props}
                row["ops"] = sorted(set(n.op_type for n in model.graph.node))
            except Exception as e:
                row["error"] = repr(e)
            print(json.dumps(row, separators=(",", ":")))
        """;

    [Fact]
    public void ThePythonOnnxCheckerAcceptsEveryExport()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-onnx-check-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            var expected = new Dictionary<string, (PolicyCase Case, OnnxExportOptions Options)>();
            foreach (PolicyCase c in PolicyCases.All)
            {
                foreach (OnnxExportOptions options in new[] { new OnnxExportOptions(), new OnnxExportOptions { Opset = 13, StaticBatch = true } })
                {
                    string path = Path.Combine(directory, $"{c.Name}-{options.Opset}.onnx");
                    OnnxExporter.ExportFile(c.Policy, c.Info, path, options);
                    expected[path] = (c, options);
                }
            }
            List<JsonElement> rows = RunPython(expected.Keys);
            Assert.Equal(expected.Count, rows.Count);
            string[] keys = [.. typeof(OnnxContract.Keys).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!)];
            Assert.Equal(11, keys.Length);
            foreach (JsonElement row in rows)
            {
                (PolicyCase c, OnnxExportOptions options) = expected[row.GetProperty("path").GetString()!];
                string label = $"{c.Name} opset {options.Opset}";
                Assert.True(row.GetProperty("error").ValueKind == JsonValueKind.Null, $"{label}: {row.GetProperty("error")}");
                Assert.Equal(options.Opset <= 14 ? 7 : 8, row.GetProperty("ir_version").GetInt32());
                Assert.Equal($"[[\"\",{options.Opset}]]", row.GetProperty("opsets").GetRawText());
                string batch = options.StaticBatch ? "1" : "\"batch\"";
                Assert.Equal($"[[\"observation\",[{batch},{c.Policy.ObservationSize}]]]", row.GetProperty("inputs").GetRawText());
                string[] outputs = [.. row.GetProperty("outputs").EnumerateArray().Select(o => o[0].GetString()!)];
                Assert.Equal(ExpectedOutputs(c.Policy.Head), outputs);
                JsonElement metadata = row.GetProperty("metadata");
                foreach (string key in keys.Where(k => k is not OnnxContract.Keys.NormalizerEpsilon and not OnnxContract.Keys.PolicyInput))
                    Assert.True(metadata.TryGetProperty(key, out _), $"{label}: no metadata {key}");
                Assert.False(metadata.TryGetProperty(OnnxContract.Keys.PolicyInput, out _), $"{label}: an observation policy's file has no {OnnxContract.Keys.PolicyInput}");
                Assert.Equal(c.Policy.Normalizer is not null, metadata.TryGetProperty(OnnxContract.Keys.NormalizerEpsilon, out _));
                Assert.Equal("1", metadata.GetProperty(OnnxContract.Keys.ContractVersion).GetString());
                Assert.Equal(c.Info.Env, metadata.GetProperty(OnnxContract.Keys.Env).GetString());
                Assert.Equal(c.Info.ObservationSpace, SpaceJson.Read(metadata.GetProperty(OnnxContract.Keys.ObservationSpace).GetString()!));
                Assert.Equal(c.Policy.ActionSpace, SpaceJson.Read(metadata.GetProperty(OnnxContract.Keys.ActionSpace).GetString()!));
                Assert.Equal(c.Info.CheckpointSha256, metadata.GetProperty(OnnxContract.Keys.CheckpointSha256).GetString());
                Assert.Equal(OnnxExporter.ControlVersion, metadata.GetProperty(OnnxContract.Keys.ControlVersion).GetString());
                Assert.All(row.GetProperty("ops").EnumerateArray(), op => Assert.Contains(op.GetString()!, OnnxNames.Ops));
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string[] ExpectedOutputs(ActionHead head) => head.Kind switch
    {
        ActionHeadKind.Binned => [OnnxContract.Action],
        ActionHeadKind.Argmax => [OnnxContract.Action, head.SamplesLogits ? OnnxContract.Logits : OnnxContract.QValues],
        ActionHeadKind.Deterministic => [OnnxContract.Action],
        _ when head.LogStdSource == LogStdSource.None => [OnnxContract.Action, OnnxContract.ActionMean],
        _ => [OnnxContract.Action, OnnxContract.ActionMean, OnnxContract.LogStd],
    };

    private static List<JsonElement> RunPython(IEnumerable<string> paths)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        foreach (string path in paths) start.ArgumentList.Add(path);
        using Process python = Process.Start(start)!;
        Task<string> error = python.StandardError.ReadToEndAsync();
        string output = python.StandardOutput.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, $"python3 (with python3-onnx) failed: {error.Result}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
