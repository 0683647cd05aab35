using System.Text;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Google.Protobuf;

namespace Control.Deploy.Export.Tests.Onnx;

public class OnnxImporterTests
{
    [Fact]
    public void AFileRoundTripsWithItsPathInErrors()
    {
        PolicyCase c = PolicyCases.Get("bptt");
        string path = Path.Combine(Path.GetTempPath(), $"ctl-onnx-import-{Guid.NewGuid():N}.onnx");
        try
        {
            OnnxExporter.ExportFile(c.Policy, c.Info, path, new OnnxExportOptions { Opset = 15 });
            ImportedPolicy imported = OnnxImporter.Import(path);
            Assert.Equal(c.Policy.Angles, imported.Policy.Angles);
            Assert.Equal(new OnnxExportOptions { Opset = 15 }, imported.Options);
            Assert.Equal(File.ReadAllBytes(path), OnnxExporter.Export(imported.Policy, imported.Info, imported.Options));
            File.WriteAllBytes(path, File.ReadAllBytes(path)[..100]);
            var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(path));
            Assert.StartsWith(path + ": ", e.Message);
            Assert.Equal(path, e.SourceName);
        }
        finally
        {
            File.Delete(path);
        }
        Assert.Throws<FileNotFoundException>(() => OnnxImporter.Import(path));
    }

    [Fact]
    public void AStateFeedbackPolicySaysSoAndComesBackAsOne()
    {
        PolicyCase c = PolicyCases.Get("bptt");
        byte[] observationModel = OnnxExporter.Export(c.Policy, c.Info);
        byte[] stateModel = OnnxExporter.Export(c.Policy, c.Info with { Input = Core.Episodes.PolicyInput.State });
        ImportedPolicy imported = OnnxImporter.Import(stateModel, "state.onnx");
        Assert.Equal(Core.Episodes.PolicyInput.State, imported.Info.Input);
        Assert.Equal(stateModel, OnnxExporter.Export(imported.Policy, imported.Info, imported.Options));
        Assert.Equal(Core.Episodes.PolicyInput.Observation, OnnxImporter.Import(observationModel, "observation.onnx").Info.Input);
        using (OnnxPolicy onnx = OnnxPolicy.Load(stateModel, "state.onnx")) Assert.Equal(Core.Episodes.PolicyInput.State, onnx.Input);
        using (OnnxPolicy onnx = OnnxPolicy.Load(observationModel, "observation.onnx")) Assert.Equal(Core.Episodes.PolicyInput.Observation, onnx.Input);

        // Another value of the key is refused by name (the file is resealed, so only the value is wrong).
        ModelProto model = ModelProto.Parser.ParseFrom(stateModel);
        Reseal(model, m => m.MetadataProps.Single(p => p.Key == OnnxContract.Keys.PolicyInput).Value = "joints");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "joints.onnx"));
        Assert.Contains("control.policy_input: expected \"state\"", e.Message);
    }

    [Fact]
    public void TheNormalizerComesBackWithItsEpsilonAndAVarianceGivingTheSameFloatStd()
    {
        PolicyCase c = PolicyCases.Get("no-bias-activations");
        ImportedPolicy imported = OnnxImporter.Import(OnnxExporter.Export(c.Policy, c.Info), "buffer");
        Assert.Equal(c.Policy.Normalizer!.Epsilon, imported.Policy.Normalizer!.Epsilon);
        Assert.Equal(c.Policy.Normalizer.Clip, imported.Policy.Normalizer.Clip);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal((float)Math.Sqrt(c.Policy.Normalizer.Variance[i] + 1e-8), (float)Math.Sqrt(imported.Policy.Normalizer.Variance[i] + 1e-8));
            Assert.Equal(c.Policy.Normalizer.Variance[i], imported.Policy.Normalizer.Variance[i], 1e-6 * (1 + c.Policy.Normalizer.Variance[i]));
        }
    }

    [Fact]
    public void EveryTruncationIsAFormatError()
    {
        PolicyCase c = PolicyCases.Get("dqn-dueling");
        byte[] bytes = OnnxExporter.Export(c.Policy, c.Info);
        for (int length = 0; length < bytes.Length; length += 7)
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(bytes.AsSpan(0, length), "cut"));
            Assert.StartsWith("cut: ", e.Message);
        }
        Assert.Contains("not an ONNX model", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(bytes.AsSpan(0, bytes.Length / 2), "half")).Message);
        Assert.Contains("not an ONNX model", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(Encoding.UTF8.GetBytes("{\"not\": \"onnx\"}"), "json")).Message);
    }

    // A bit flipped anywhere (a weight, a name, a length, the metadata) is refused: parse error, structure, or checksum.
    [Fact]
    public void EveryFlippedBitIsAFormatError()
    {
        PolicyCase c = PolicyCases.Get("tanh-state-dependent");
        byte[] bytes = OnnxExporter.Export(c.Policy, c.Info);
        int refusedByChecksum = 0;
        for (int position = 0; position < bytes.Length; position += 5)
        {
            byte[] flipped = (byte[])bytes.Clone();
            flipped[position] ^= (byte)(1 << (position % 8));
            var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(flipped, "flipped"));
            if (e.Message.Contains("checksum mismatch", StringComparison.Ordinal)) refusedByChecksum++;
        }
        Assert.True(refusedByChecksum > bytes.Length / 10, $"expected most flips in the weights to be found by the checksum, got {refusedByChecksum}");
    }

    [Fact]
    public void AForeignGraphIsRefusedAtItsFirstUnsupportedOp()
    {
        var graph = new GraphProto { Name = "vision" };
        graph.Node.Add(Node("Relu", "relu0", "image", "r"));
        graph.Node.Add(Node("Conv", "conv1", "r", "c"));
        graph.Node.Add(Node("MaxPool", "pool2", "c", "p"));
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "vision.onnx"));
        Assert.Contains("unsupported op Conv (node 1, \"conv1\")", e.Message);
        Assert.DoesNotContain("MaxPool", e.Message);
        graph.Node[1] = Node("Gemm", "custom", "r", "c");
        graph.Node[1].Domain = "com.microsoft";
        Assert.Contains("unsupported op com.microsoft.Gemm", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "ms.onnx")).Message);
    }

    [Fact]
    public void AGraphWithoutTheContractMetadataIsRefused()
    {
        ModelProto model = Exported("ppo-discrete");
        model.MetadataProps.Clear();
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "bare"));
        Assert.Contains($"no ONNX policy contract metadata ({OnnxContract.Keys.ContractVersion})", e.Message);
        model = Exported("ppo-discrete");
        Reseal(model, m => m.MetadataProps.Remove(m.MetadataProps.Single(p => p.Key == OnnxContract.Keys.ActionSpace)));
        Assert.Contains($"contract metadata key {OnnxContract.Keys.ActionSpace} is missing", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "partial")).Message);
        model = Exported("ppo-discrete");
        model.MetadataProps.RemoveAt(model.MetadataProps.Count - 1);
        Assert.Contains($"contract metadata key {OnnxNames.ContentSha256Key} is missing", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "unsealed")).Message);
    }

    [Fact]
    public void AnotherContractVersionIsRefused()
    {
        ModelProto model = Exported("ppo-discrete");
        Reseal(model, m => m.MetadataProps.Single(p => p.Key == OnnxContract.Keys.ContractVersion).Value = "2");
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "future"));
        Assert.Contains("ONNX policy contract version \"2\", this build reads version 1", e.Message);
    }

    [Fact]
    public void AWeightChangedWithoutResealingIsACorruptFile()
    {
        ModelProto model = Exported("a2c");
        TensorProto weight = model.Graph.Initializer.Single(t => t.Name == "layer1.weight");
        byte[] raw = weight.RawData.ToByteArray();
        raw[0] ^= 1;
        weight.RawData = ByteString.CopyFrom(raw);
        Assert.Contains("content checksum mismatch", Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "edited")).Message);
    }

    // Sealed with a valid checksum but built otherwise than the exporter builds: each refused, naming the difference.
    [Theory]
    [InlineData("extra-node", "an extra node")]
    [InlineData("attribute", "(Gemm \"layer0.gemm\" (normalizer.clip, layer0.weight, layer0.bias -> layer0.gemm)) differs from the exporter's in its values or attributes")]
    [InlineData("activation", "\"layer0.activation\": expected an activation op")]
    [InlineData("opset", "expected one opset import")]
    [InlineData("input", "expected the one input observation")]
    [InlineData("head", "expected argmax, gaussian_mean, tanh_squash, deterministic or binned, got \"beta\"")]
    [InlineData("space", "metadata control.action_space")]
    [InlineData("doc", "doc_string differs")]
    public void AStructureTheExporterDoesNotWriteIsRefused(string change, string message)
    {
        ModelProto model = Exported("ppo-gaussian-plain");
        Reseal(model, m =>
        {
            GraphProto g = m.Graph;
            switch (change)
            {
                case "extra-node": g.Node.Add(Node("Identity", "spare", OnnxContract.Action, "spare")); break;
                case "attribute": g.Node.First(n => n.OpType == "Gemm").Attribute[0].I = 0; break;
                case "activation": g.Node.Single(n => n.Name == "layer0.activation").OpType = "Sin"; break;
                case "opset": m.OpsetImport[0].Version = 11; break;
                case "input": g.Input[0].Type.TensorType.Shape.Dim[0].DimParam = "n"; break;
                case "head": m.MetadataProps.Single(p => p.Key == OnnxContract.Keys.ActionHead).Value = "beta"; break;
                case "space": m.MetadataProps.Single(p => p.Key == OnnxContract.Keys.ActionSpace).Value = "{\"type\":\"box\"}"; break;
                default: m.DocString += " edited"; break;
            }
        });
        var e = Assert.Throws<OnnxFormatException>(() => OnnxImporter.Import(model.ToByteArray(), "changed"));
        Assert.True(e.Message.Contains(message, StringComparison.Ordinal), e.Message);
    }

    // The parity harness itself can fail: a perturbed weight is found, a wrong discrete action too.
    [Fact]
    public void TheParityCheckSeesAChangedWeight()
    {
        foreach (string name in new[] { "ppo-gaussian", "dqn" })
        {
            PolicyCase c = PolicyCases.Get(name);
            ModelProto model = Exported(name);
            TensorProto bias = model.Graph.Initializer.Single(t => t.Name == "layer2.bias");
            byte[] raw = bias.RawData.ToByteArray();
            BitConverter.GetBytes(BitConverter.ToSingle(raw) + 5f).CopyTo(raw, 0);
            bias.RawData = ByteString.CopyFrom(raw);
            if (name == "dqn")
            {
                Assert.ThrowsAny<Exception>(() => OrtParity.MaxAbsDiff(c.Policy, model.ToByteArray(), c.Observations, staticBatch: false));
                continue;
            }
            Assert.True(OrtParity.MaxAbsDiff(c.Policy, model.ToByteArray(), c.Observations, staticBatch: false) > 0.1);
        }
    }

    private static ModelProto Exported(string name)
    {
        PolicyCase c = PolicyCases.Get(name == "ppo-gaussian-plain" ? "reinforce" : name);
        return ModelProto.Parser.ParseFrom(OnnxExporter.Export(c.Policy, c.Info));
    }

    // Applies change to the model and seals it again, as a tool that knows the checksum would.
    private static void Reseal(ModelProto model, Action<ModelProto> change)
    {
        model.MetadataProps.RemoveAt(model.MetadataProps.Count - 1);
        change(model);
        ModelChecksum.Seal(model);
    }

    private static NodeProto Node(string op, string name, string input, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.Add(input);
        node.Output.Add(output);
        return node;
    }
}
