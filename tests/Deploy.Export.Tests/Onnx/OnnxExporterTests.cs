using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;
using Google.Protobuf;

namespace Control.Deploy.Export.Tests.Onnx;

public class OnnxExporterTests
{
    [Fact]
    public void TheSamePolicyGivesTheSameBytesAlsoAfterACheckpointRoundTrip()
    {
        PolicyCase c = PolicyCases.Get("ppo-gaussian");
        byte[] first = OnnxExporter.Export(c.Policy, c.Info);
        Assert.Equal(first, OnnxExporter.Export(c.Policy, c.Info));
        var checkpoint = new Checkpoint();
        c.Policy.Save(checkpoint);
        Assert.Equal(first, OnnxExporter.Export(InferencePolicy.Load(checkpoint), c.Info with { }));
        Assert.NotEqual(first, OnnxExporter.Export(c.Policy, c.Info with { Env = "pendulum-v2" }));
    }

    [Theory]
    [InlineData(13, 7)]
    [InlineData(14, 7)]
    [InlineData(15, 8)]
    [InlineData(17, 8)]
    public void TheHeaderNamesControlTheOpsetAndItsIrVersion(int opset, long irVersion)
    {
        PolicyCase c = PolicyCases.Get("trpo");
        ModelProto model = ModelProto.Parser.ParseFrom(OnnxExporter.Export(c.Policy, c.Info, new OnnxExportOptions { Opset = opset }));
        Assert.Equal(irVersion, model.IrVersion);
        Assert.Equal(opset, Assert.Single(model.OpsetImport).Version);
        Assert.Equal("", model.OpsetImport[0].Domain);
        Assert.Equal("Control", model.ProducerName);
        Assert.Contains("trpo policy for pendulum", model.DocString);
        string[] keys = [.. model.MetadataProps.Select(p => p.Key)];
        Assert.Equal(
            [
                OnnxContract.Keys.ContractVersion, OnnxContract.Keys.Env, OnnxContract.Keys.ObservationSpace, OnnxContract.Keys.ActionSpace,
                OnnxContract.Keys.Algorithm, OnnxContract.Keys.CheckpointSha256, OnnxContract.Keys.ControlVersion, OnnxContract.Keys.ActionHead,
                OnnxNames.NormalizerEpsilonKey, OnnxNames.ContentSha256Key,
            ], keys);
        Assert.Equal("gaussian_mean", model.MetadataProps[7].Value);
        Assert.Equal(c.Policy.Normalizer!.Epsilon, double.Parse(model.MetadataProps[8].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Null(ModelChecksum.Check(model));
    }

    [Fact]
    public void TheNormalizersStdIsComputedInDoubleAndRoundedOnce()
    {
        PolicyCase c = PolicyCases.Get("no-bias-activations");
        ObservationNormalizer normalizer = c.Policy.Normalizer!;
        GraphProto graph = Graph(c);
        float[] std = Floats(graph, OnnxNames.NormalizerStd);
        for (int i = 0; i < std.Length; i++) Assert.Equal((float)Math.Sqrt(normalizer.Variance[i] + normalizer.Epsilon), std[i]);
        Assert.Equal([0.5f, -1f, 2f], Floats(graph, OnnxNames.NormalizerMean));
        Assert.Equal([5f], Floats(graph, OnnxNames.NormalizerClipMax));
        Assert.Equal(["Sub", "Div", "Clip"], graph.Node.Take(3).Select(n => n.OpType));
    }

    [Fact]
    public void LayersAreGemmsWithTransposedWeightsAndTheBiasOnlyWhenThereIsOne()
    {
        GraphProto withBias = Graph(PolicyCases.Get("unequal-bounds"));
        NodeProto gemm = withBias.Node.First(n => n.OpType == "Gemm");
        Assert.Equal(["observation", "layer0.weight", "layer0.bias"], gemm.Input);
        Assert.Equal(1, Assert.Single(gemm.Attribute, a => a.Name == "transB").I);
        GraphProto withoutBias = Graph(PolicyCases.Get("no-bias-activations"));
        Assert.All(withoutBias.Node.Where(n => n.OpType == "Gemm"), n => Assert.Equal(2, n.Input.Count));
        Assert.Equal(["Elu", "Softplus", "Sigmoid"], withoutBias.Node.Where(n => n.Name.EndsWith(".activation", StringComparison.Ordinal)).Select(n => n.OpType));
        TensorProto weight = withBias.Initializer.Single(t => t.Name == "layer0.weight");
        Assert.Equal([8L, 4L], weight.Dims);
    }

    [Fact]
    public void DuelingHeadsSubtractTheMeanAdvantage()
    {
        GraphProto graph = Graph(PolicyCases.Get("dqn-dueling"));
        NodeProto mean = graph.Node.Single(n => n.OpType == "ReduceMean");
        Assert.Equal([1L], mean.Attribute.Single(a => a.Name == "axes").Ints);
        Assert.Equal(1, mean.Attribute.Single(a => a.Name == "keepdims").I);
        NodeProto argmax = graph.Node[^1];
        Assert.Equal("ArgMax", argmax.OpType);
        Assert.Equal([OnnxContract.QValues], argmax.Input);
        Assert.Equal(0, argmax.Attribute.Single(a => a.Name == "keepdims").I);
    }

    [Theory]
    [InlineData("ppo-gaussian", "Clip", 3)]
    [InlineData("one-sided-bounds", "Clip", 3)]
    [InlineData("unequal-bounds", "Max,Min", 2)]
    [InlineData("infinite-bounds", "Max,Min", 2)]
    [InlineData("unbounded", "", 0)]
    public void BoundsAreOneClipWhenSharedElsePerDimensionAndAbsentWhenInfinite(string name, string ops, int inputs)
    {
        GraphProto graph = Graph(PolicyCases.Get(name));
        NodeProto[] bounds = [.. graph.Node.Where(n => n.Name.StartsWith("bounds.", StringComparison.Ordinal))];
        Assert.Equal(ops, string.Join(",", bounds.Select(n => n.OpType)));
        Assert.All(bounds, n => Assert.Equal(inputs, n.Input.Count));
        if (name == "one-sided-bounds") Assert.Equal("", bounds[0].Input[1]);
        if (name == "ppo-gaussian") Assert.Equal([-2f], Floats(graph, OnnxNames.BoundsLow));
        if (name == "infinite-bounds") Assert.Equal([float.NegativeInfinity, -0.5f, float.NegativeInfinity], Floats(graph, OnnxNames.BoundsLow));
    }

    [Fact]
    public void StateDependentLogStdIsTheClippedSecondHalfAndAVectorIsOneRow()
    {
        GraphProto graph = Graph(PolicyCases.Get("tanh-state-dependent"));
        Assert.Equal(["Slice", "Slice", "Clip"], graph.Node.Where(n => n.Name.StartsWith("head.", StringComparison.Ordinal)).Take(3).Select(n => n.OpType));
        Assert.Equal([-20f], Floats(graph, OnnxNames.HeadLogStdMin));
        Assert.Equal([2f], Floats(graph, OnnxNames.HeadLogStdMax));
        Assert.Equal("batch", graph.Output.Single(o => o.Name == OnnxContract.LogStd).Type.TensorType.Shape.Dim[0].DimParam);
        GraphProto vector = Graph(PolicyCases.Get("unequal-bounds"));
        Assert.Equal(1, vector.Output.Single(o => o.Name == OnnxContract.LogStd).Type.TensorType.Shape.Dim[0].DimValue);
        Assert.Equal([-0.5f, 0.1f, -1.7f], Floats(vector, OnnxNames.HeadLogStd));
    }

    [Theory]
    [InlineData(12)]
    [InlineData(18)]
    public void AnOpsetOutsideThirteenToSeventeenIsRefused(int opset)
    {
        PolicyCase c = PolicyCases.Get("dqn");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.Export(c.Policy, c.Info, new OnnxExportOptions { Opset = opset }));
        Assert.Contains($"expected an opset in [13, 17], got {opset}", e.Message);
    }

    [Fact]
    public void InfoThatDoesNotFitThePolicyIsRefused()
    {
        PolicyCase c = PolicyCases.Get("dqn");
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(c.Policy, c.Info with { ObservationSpace = Box.Uniform(3, -1, 1) }));
        Assert.Contains("has 3 values, the policy reads 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(c.Policy, c.Info with { CheckpointSha256 = "ABC" }));
        Assert.Contains("64 lowercase hex digits", e.Message);
        e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(c.Policy, c.Info with { Env = "" }));
        Assert.Contains("non-empty env", e.Message);
        PolicyCase grid = PolicyCases.Get("dqn-gridworld");
        e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(grid.Policy, grid.Info with { ObservationSpace = new Discrete(3) }));
        Assert.Contains("one-hot policy", e.Message);
        Assert.Equal(string.Empty, (c.Info with { CheckpointSha256 = "" }).CheckpointSha256);
        Assert.NotEmpty(OnnxExporter.Export(c.Policy, c.Info with { CheckpointSha256 = "" }));
    }

    [Fact]
    public void ARejectedExportOrAMissingDirectoryLeavesTheExistingFileAndNoTemporaryFile()
    {
        PolicyCase c = PolicyCases.Get("ppo-discrete");
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-onnx-atomic-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        try
        {
            string path = Path.Combine(directory, "policy.onnx");
            File.WriteAllBytes(path, [1, 2, 3]);
            Assert.Throws<ArgumentOutOfRangeException>(() => OnnxExporter.ExportFile(c.Policy, c.Info, path, new OnnxExportOptions { Opset = 9 }));
            Assert.Throws<ArgumentException>(() => OnnxExporter.ExportFile(c.Policy, c.Info with { ObservationSpace = new Discrete(2) }, path));
            Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(directory));
            Assert.ThrowsAny<IOException>(() => OnnxExporter.ExportFile(c.Policy, c.Info, Path.Combine(directory, "missing", "policy.onnx")));
            Assert.Equal([path], Directory.GetFiles(directory, "*", SearchOption.AllDirectories));
            OnnxExporter.ExportFile(c.Policy, c.Info, path);
            Assert.Equal(OnnxExporter.Export(c.Policy, c.Info), File.ReadAllBytes(path));
            Assert.Equal([path], Directory.GetFiles(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void EveryActivationHasAStandardOp()
    {
        Assert.All(Enum.GetValues<Activation>().Where(a => a != Activation.Identity), a => Assert.NotNull(PolicyGraph.OpOf(a)));
        Assert.Throws<ArgumentException>(() => PolicyGraph.OpOf((Activation)99));
        // A Softplus layer's outputs far above 20 (the policy's linear branch) still agree with ONNX's log(1 + e^x).
        var layer = new DenseLayer(Tensor.FromArray([30f], 1, 1), null, Activation.Softplus);
        var policy = new InferencePolicy(1, ObservationEncoding.Values, null, new InferenceNetwork([layer]), ActionHead.Deterministic(1), Box.Uniform(1, -100, 100));
        double diff = OrtParity.MaxAbsDiff(policy, OnnxExporter.Export(policy, new OnnxModelInfo("none", "hand", "", Box.Uniform(1, -1, 1))),
            [[1.0], [0.5], [-1.0], [0.9]], staticBatch: false);
        Assert.True(diff <= 1e-5 * 30, $"softplus above the threshold differs by {diff}");
    }

    internal static GraphProto Graph(PolicyCase c) => ModelProto.Parser.ParseFrom(OnnxExporter.Export(c.Policy, c.Info)).Graph;

    internal static float[] Floats(GraphProto graph, string name)
    {
        ByteString raw = graph.Initializer.Single(t => t.Name == name).RawData;
        return [.. Enumerable.Range(0, raw.Length / 4).Select(i => BitConverter.ToSingle(raw.Span[(4 * i)..]))];
    }
}
