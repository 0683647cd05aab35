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
