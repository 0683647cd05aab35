using Control.Core;
using Control.Deploy.Export.Onnx;
using Xunit.Abstractions;

namespace Control.Deploy.Export.Tests.Onnx;

public class OnnxParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;

    // Every case at opset 17 with a dynamic batch (all observations in one run) and at opset 13 with a static batch of 1
    // (one run per observation): ONNX Runtime's outputs equal Control's to float32 rounding, actions of a discrete head exactly.
    [Theory]
    [MemberData(nameof(PolicyCases.Cases), MemberType = typeof(PolicyCases))]
    public void OnnxRuntimeComputesControlsActions(string name)
    {
        PolicyCase c = PolicyCases.Get(name);
        byte[] dynamic = OnnxExporter.Export(c.Policy, c.Info);
        double dynamicDiff = OrtParity.MaxAbsDiff(c.Policy, dynamic, c.Observations, staticBatch: false);
        byte[] embedded = OnnxExporter.Export(c.Policy, c.Info, new OnnxExportOptions { Opset = 13, StaticBatch = true });
        double embeddedDiff = OrtParity.MaxAbsDiff(c.Policy, embedded, c.Observations, staticBatch: true);
        output.WriteLine($"parity {name}: max abs diff {dynamicDiff:E2} (opset 17, batch {c.Observations.Length}), {embeddedDiff:E2} (opset 13, batch 1), {c.Observations.Length} observations");
        Assert.True(dynamicDiff <= Tolerance, $"{name}: max abs diff {dynamicDiff} at opset 17");
        Assert.True(embeddedDiff <= Tolerance, $"{name}: max abs diff {embeddedDiff} at opset 13, static batch");
    }

    // End to end for the BPTT policy: ONNX Runtime against the float64 policy object itself (not its float32 copy).
    [Fact]
    public void TheBpttGraphActsAsTheBpttPolicy()
    {
        PolicyCase c = PolicyCases.Get("bptt");
        IPolicy original = PolicyCases.Bptt();
        double diff = OrtParity.MaxAbsDiff(c.Policy, OnnxExporter.Export(c.Policy, c.Info), c.Observations, staticBatch: false);
        var expected = new double[1];
        var actual = new double[1];
        double max = 0;
        foreach (double[] observation in c.Observations)
        {
            original.Act(observation, expected);
            c.Policy.Act(observation, actual);
            max = Math.Max(max, Math.Abs(expected[0] - actual[0]));
        }
        output.WriteLine($"bptt: float64 policy vs its float32 inference copy {max:E2}, copy vs ONNX Runtime {diff:E2}");
        Assert.True(max + diff <= 1e-4, $"the BPTT graph's action differs from the policy's by up to {max + diff}");
    }

    // Export -> import -> export gives the same bytes, in both forms, and the imported policy acts as the graph does.
    [Theory]
    [MemberData(nameof(PolicyCases.Cases), MemberType = typeof(PolicyCases))]
    public void ExportImportExportGivesTheSameBytes(string name)
    {
        PolicyCase c = PolicyCases.Get(name);
        foreach (OnnxExportOptions options in new[] { new OnnxExportOptions(), new OnnxExportOptions { Opset = 13, StaticBatch = true } })
        {
            byte[] first = OnnxExporter.Export(c.Policy, c.Info, options);
            ImportedPolicy imported = OnnxImporter.Import(first, name);
            Assert.Equal(c.Info, imported.Info);
            Assert.Equal(options, imported.Options);
            Assert.Equal(first, OnnxExporter.Export(imported.Policy, imported.Info, imported.Options));
            double diff = OrtParity.MaxAbsDiff(imported.Policy, first, c.Observations[..100], options.StaticBatch);
            Assert.True(diff <= Tolerance, $"{name}: the imported policy differs from the graph by {diff}");
        }
    }
}
