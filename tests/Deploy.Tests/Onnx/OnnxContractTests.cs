// Files that are not ONNX policies of Control's contract, each refused on load with an OnnxContractException that
// names the file and says what was expected and what was found: a missing, truncated or random file, and python-built
// ONNX graphs that break one rule of the contract each.
using Control.Core;
using Control.Deploy.Onnx;

namespace Control.Deploy.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class OnnxContractTests(OnnxModels models)
{
    [Theory]
    [InlineData("no_metadata", "no metadata \"control.contract_version\"", "the file has no metadata_props")]
    [InlineData("no_version", "no metadata \"control.contract_version\"", "found keys \"control.action_space\"")]
    [InlineData("wrong_version", "\"control.contract_version\" is \"2\"", "expected contract version 1")]
    [InlineData("no_observation_space", "no metadata \"control.observation_space\"", "expected the observation space as JSON")]
    [InlineData("bad_space_json", "metadata \"control.observation_space\" is not the observation space", "SpaceJson: expected a space")]
    [InlineData("wrong_input_name", "expected one input \"observation\" float32 [batch, 3]", "found inputs \"obs\"")]
    [InlineData("wrong_input_type", "input \"observation\": expected float32 [batch, 3]", "found float64 [batch, 3]")]
    [InlineData("wrong_obs_dim", "expected float32 [batch, 5] (the observation space Box(-inf, inf, (5,)) holds 5 values)", "found float32 [batch, 3]")]
    [InlineData("wrong_action_dim", "output \"action\": expected float32 [batch, 3] for the action space Box(-1, 1, (3,))", "found float32 [batch, 2]")]
    [InlineData("box_action_int64", "output \"action\": expected float32 [batch, 2] for the action space Box(-1.5, 1.5, (2,))", "found int64 [batch, 2]")]
    [InlineData("discrete_space_float_action", "output \"action\": expected int64 [batch] for the action space Discrete(3)", "found float32 [batch, 2]")]
    [InlineData("discrete_action_float", "output \"action\": expected int64 [batch] for the action space Discrete(3)", "found float32 [batch]")]
    [InlineData("no_action_output", "expected an output \"action\" (float32 [batch, 2] for the action space Box(-1.5, 1.5, (2,)))", "found outputs \"actions\", \"action_mean\", \"log_std\"")]
    [InlineData("unknown_output", "output \"value\" is not an output of the contract", "expected only \"action\", \"action_mean\", \"log_std\", \"logits\", \"q_values\"")]
    [InlineData("box_with_logits", "output \"logits\" is a discrete head's output", "the action space is Box(-1.5, 1.5, (2,)): expected it only for a Discrete space")]
    public void ContractViolationIsRefusedNamingTheFileAndTheDifference(string model, string expected, string found)
    {
        string path = models.Path(model);
        var error = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(path));
        Assert.Equal(path, error.ModelSource);
        Assert.StartsWith(path + ": ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Contains(found, error.Message);
    }

    [Fact]
    public void MissingFileIsRefusedNamingIt()
    {
        string path = models.Scratch("nowhere/policy.onnx");
        var error = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(path));
        Assert.Equal($"{path}: no such file: expected an ONNX policy file", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(16)]
    [InlineData(200)]
    public void TruncatedFileIsRefusedNamingIt(int length)
    {
        byte[] bytes = File.ReadAllBytes(models.Path("box"));
        Assert.True(bytes.Length > 400);
        string path = models.Scratch($"truncated-{length}.onnx");
        File.WriteAllBytes(path, bytes[..(length == 200 ? bytes.Length / 2 : length)]);
        var error = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(path));
        Assert.StartsWith($"{path}: expected an ONNX model, ONNX Runtime cannot load it", error.Message);
    }

    [Fact]
    public void RandomBytesAreRefusedNamingTheFile()
    {
        var rng = new Rng(5);
        byte[] bytes = new byte[4096];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
        string path = models.Scratch("random.onnx");
        File.WriteAllBytes(path, bytes);
        var error = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(path));
        Assert.StartsWith($"{path}: expected an ONNX model, ONNX Runtime cannot load it (4096 bytes)", error.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
    }

    [Fact]
    public void DiscreteObservationOutsideItsSpaceIsRefused()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("indexed"));
        Assert.Equal((1, 1), (policy.ObservationSize, policy.ActionSize));
        double[] action = new double[1];
        foreach ((double cell, double expected) in new[] { (0.0, 1.0), (1.0, 1.0), (2.0, 0.0), (3.0, 0.0) })
        {
            policy.Act([cell], action);
            Assert.Equal(expected, action[0]);
        }
        foreach (double bad in new[] { 4.0, -1.0, 2.5 })
        {
            var error = Assert.Throws<PolicyInputException>(() => policy.Act([bad], action));
            Assert.Contains("expected an observation in Discrete(4) (an integer in 0..3)", error.Message);
        }
        Assert.Equal(4, policy.ActRuns);
    }
}
