// The robot side checks an export's content checksum without protobuf: the exporter's sealed file ends with the
// entry ContentChecksum reads, and a weight changed by one bit, which ONNX Runtime loads without complaint, is
// refused by OnnxPolicy.Load with the file named.
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;

namespace Control.Deploy.Export.Tests.Onnx;

public class ContentChecksumTests
{
    [Theory]
    [InlineData("ppo-gaussian")]
    [InlineData("dqn-dueling")]
    public void AnExportCarriesAChecksumTheRuntimeChecks(string name)
    {
        PolicyCase c = PolicyCases.Get(name);
        byte[] bytes = OnnxExporter.Export(c.Policy, c.Info);
        Assert.Null(ContentChecksum.Check(bytes));
        using (OnnxPolicy.Load(bytes, "sealed")) { }

        // The lowest mantissa bit of the first weight of the first layer: still a valid float, still a valid model.
        byte[] weight = BitConverter.GetBytes(c.Policy.Network.Layers[0].Weight[0]);
        int at = bytes.AsSpan().IndexOf(weight);
        Assert.True(at > 0, "the first weight's bytes are in the file");
        byte[] edited = (byte[])bytes.Clone();
        edited[at] ^= 1;
        Assert.Contains("checksum mismatch", ContentChecksum.Check(edited));
        var e = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(edited, "edited.onnx"));
        Assert.StartsWith("edited.onnx: content checksum mismatch", e.Message);
    }

    [Fact]
    public void AFileWithoutTheTrailingEntryIsNamedAsSuch()
    {
        PolicyCase c = PolicyCases.Get("reinforce");
        byte[] bytes = OnnxExporter.Export(c.Policy, c.Info);
        Assert.Contains("last 92 bytes", ContentChecksum.Check(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Contains("last 92 bytes", ContentChecksum.Check([]));
    }
}
