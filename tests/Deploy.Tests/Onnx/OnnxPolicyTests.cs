// OnnxPolicy on ONNX files built by python onnx (OnnxModels): actions against a forward pass by hand in double,
// the checked observation path, the allocation-free hot path, batches, the static batch and the CUDA refusal.
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Onnx;

namespace Control.Deploy.Tests.Onnx;

[Collection(OnnxModelsCollection.Name)]
public sealed class OnnxPolicyTests(OnnxModels models)
{
    private const double Float32Tolerance = 1e-5;

    [Fact]
    public void BoxPolicyActsAsTheHandForwardPassAndReadsItsContract()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        Assert.Equal(new Box([double.NegativeInfinity, -1, -8], [double.PositiveInfinity, 1, 8]), policy.ObservationSpace);
        Assert.Equal(Box.Uniform(2, -1.5, 1.5), policy.ActionSpace);
        Assert.Equal((3, 2), (policy.ObservationSize, policy.ActionSize));
        Assert.Equal(["action", "action_mean", "log_std"], policy.OutputNames);
        Assert.False(policy.StaticBatch);
        Assert.Equal(("test-env", "ppo"), (policy.Env, policy.Algorithm));
        Assert.Equal("1", policy.Metadata["control.contract_version"]);

        var rng = new Rng(11);
        double[] observation = new double[3], action = new double[2];
        int clipped = 0;
        for (int n = 0; n < 200; n++)
        {
            policy.ObservationSpace.Sample(rng, observation);
            observation[0] *= 3; // reach the clip on the unbounded dimension too
            policy.Act(observation, action);
            double[] expected = models.BoxForward(observation).Action;
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(expected[i], action[i], Float32Tolerance);
                if (Math.Abs(expected[i]) == models.BoxClip) clipped++;
            }
        }
        Assert.InRange(clipped, 1, 399); // both sides of the Clip were exercised
    }

    [Fact]
    public void DiscretePolicyActsAsTheArgmaxOfTheHandQValues()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("discrete"));
        Assert.Equal(new Discrete(3), policy.ActionSpace);
        Assert.Equal((4, 1), (policy.ObservationSize, policy.ActionSize));
        Assert.Equal(["action", "q_values"], policy.OutputNames);
        Assert.Equal("dqn", policy.Algorithm);

        var rng = new Rng(12);
        double[] observation = new double[4], action = new double[1];
        var seen = new HashSet<double>();
        for (int n = 0; n < 200; n++)
        {
            rng.FillNormal(observation);
            double[] q = models.DiscreteQ(observation);
            double[] sorted = [.. q.OrderDescending()];
            if (sorted[0] - sorted[1] < 1e-4) continue; // a float32 tie could go either way
            policy.Act(observation, action);
            Assert.Equal(Array.IndexOf(q, sorted[0]), action[0]);
            seen.Add(action[0]);
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void LoadFromBytesNamesTheGivenSource()
    {
        byte[] bytes = File.ReadAllBytes(models.Path("box"));
        using OnnxPolicy policy = OnnxPolicy.Load(bytes, "policy from the wire");
        Assert.Equal("policy from the wire", policy.ModelSource);
        double[] observation = [0.3, -0.2, 1.0], action = new double[2];
        policy.Act(observation, action);
        Assert.Equal(models.BoxForward(observation).Action, action, (a, b) => Math.Abs(a - b) <= Float32Tolerance);

        var error = Assert.Throws<OnnxContractException>(() => OnnxPolicy.Load(bytes[..100], "policy from the wire"));
        Assert.StartsWith("policy from the wire: ", error.Message);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(0)]
    public void ObservationOfTheWrongLengthIsRefusedBeforeTheGraphRuns(int length)
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        double[] action = [7, 7];
        var error = Assert.Throws<PolicyInputException>(() => policy.Act(new double[length], action));
        Assert.Contains($"expected an observation of 3 values", error.Message);
        Assert.Contains($"got {length}", error.Message);
        Assert.Equal([7.0, 7.0], action);
        Assert.Contains("expected an action buffer of 2 values", Assert.Throws<PolicyInputException>(() => policy.Act(new double[3], new double[3])).Message);
        Assert.Equal(0, policy.ActRuns);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    [InlineData(1e300, "1E+300")] // finite in double, infinite in the float32 the graph takes
    public void NonFiniteObservationIsRefusedBeforeTheGraphRuns(double bad, string shown)
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        double[] action = [7, 7];
        policy.Act([0.1, 0.2, 0.3], action);
        action = [7, 7];
        var error = Assert.Throws<PolicyInputException>(() => policy.Act([0.1, bad, 0.2], action));
        Assert.Contains("expected finite observation values", error.Message);
        Assert.Contains($"observation[1] = {shown}", error.Message);
        Assert.Equal([7.0, 7.0], action);
        Assert.Equal(1, policy.ActRuns);
    }

    [Fact]
    public void ActAllocatesNothingAfterWarmUp()
    {
        using OnnxPolicy box = OnnxPolicy.Load(models.Path("box"));
        using OnnxPolicy discrete = OnnxPolicy.Load(models.Path("discrete"));
        double[] observation = [0.1, -0.2, 0.3, 0.4], boxAction = new double[2], discreteAction = new double[1];
        for (int i = 0; i < 20; i++)
        {
            box.Act(observation.AsSpan(0, 3), boxAction);
            discrete.Act(observation, discreteAction);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            observation[0] = i * 1e-3;
            box.Act(observation.AsSpan(0, 3), boxAction);
            discrete.Act(observation, discreteAction);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void BatchRunEqualsRowByRowActAndTheHandForwardPass()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        using OnnxBatch batch = policy.CreateBatch(64);
        Assert.Equal(["action", "action_mean", "log_std"], batch.OutputNames);
        var rng = new Rng(13);
        double[] observation = new double[3], action = new double[2];
        for (int r = 0; r < 64; r++)
        {
            for (int j = 0; j < 3; j++) batch.Observations[r * 3 + j] = (float)rng.Normal(0, 2);
        }
        batch.Run();
        Assert.Equal(64 * 2, batch.Output("action").Length);
        Assert.Equal(models.BoxLogStd, batch.Output("log_std").ToArray().Select(v => (double)v)); // one row: [1, act_dim]
        for (int r = 0; r < 64; r++)
        {
            for (int j = 0; j < 3; j++) observation[j] = batch.Observations[r * 3 + j];
            policy.Act(observation, action);
            (double[] expected, double[] mean) = models.BoxForward(observation);
            for (int i = 0; i < 2; i++)
            {
                Assert.Equal(action[i], batch.Output("action")[r * 2 + i], Float32Tolerance);
                Assert.Equal(expected[i], batch.Output("action")[r * 2 + i], Float32Tolerance);
                Assert.Equal(mean[i], batch.Output("action_mean")[r * 2 + i], Float32Tolerance);
            }
        }
        Assert.Throws<InvalidOperationException>(() => batch.ActionIndices.Length);
        Assert.Contains("\"q_values\"", Assert.Throws<ArgumentException>(() => batch.Output("q_values").Length).Message);
    }

    [Fact]
    public void DiscreteBatchGivesIndicesAndQValuesAsActAndTheHand()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("discrete"));
        using OnnxBatch batch = policy.CreateBatch(32);
        var rng = new Rng(14);
        for (int k = 0; k < batch.Observations.Length; k++) batch.Observations[k] = (float)rng.Normal();
        batch.Run();
        Assert.Equal(32, batch.ActionIndices.Length);
        double[] observation = new double[4], action = new double[1];
        for (int r = 0; r < 32; r++)
        {
            for (int j = 0; j < 4; j++) observation[j] = batch.Observations[r * 4 + j];
            policy.Act(observation, action);
            Assert.Equal(action[0], batch.ActionIndices[r]);
            double[] q = models.DiscreteQ(observation);
            for (int i = 0; i < 3; i++) Assert.Equal(q[i], batch.Output("q_values")[r * 3 + i], Float32Tolerance);
        }
        Assert.Contains("ActionIndices", Assert.Throws<ArgumentException>(() => batch.Output("action").Length).Message);
    }

    [Fact]
    public void BatchRunAllocatesNothing()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        using OnnxBatch batch = policy.CreateBatch(64);
        batch.Run();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++) batch.Run();
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void StaticBatchFileRunsOneRowAndRefusesLargerBatches()
    {
        using OnnxPolicy policy = OnnxPolicy.Load(models.Path("static"));
        Assert.True(policy.StaticBatch);
        double[] observation = [0.5, 0.1, -2], action = new double[2];
        policy.Act(observation, action);
        Assert.Equal(models.BoxForward(observation).Action, action, (a, b) => Math.Abs(a - b) <= Float32Tolerance);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => policy.CreateBatch(64));
        Assert.Contains("fixes the batch dimension to 1", error.Message);
        Assert.Contains("got 64", error.Message);
        using OnnxBatch one = policy.CreateBatch(1);
        one.Observations[0] = 0.5f;
        one.Observations[1] = 0.1f;
        one.Observations[2] = -2f;
        one.Run();
        Assert.Equal(action[0], one.Output("action")[0], Float32Tolerance);
        Assert.Throws<ArgumentOutOfRangeException>(() => policy.CreateBatch(0));
    }

    [Fact]
    public void CudaProviderIsRefusedWithWhatToInstall()
    {
        var error = Assert.Throws<ExecutionProviderException>(
            () => OnnxPolicy.Load(models.Path("box"), new OnnxPolicyOptions { Provider = ExecutionProvider.Cuda }));
        Assert.Equal(ExecutionProvider.Cuda, error.Provider);
        Assert.Contains("CUDA execution provider is not in this ONNX Runtime build", error.Message);
        Assert.Contains("Microsoft.ML.OnnxRuntime.Gpu 1.32.0", error.Message);
        Assert.Contains("NVIDIA GPU", error.Message);
    }

    [Fact]
    public void OptionsAreCheckedAndMoreThreadsGiveTheSameAction()
    {
        Assert.Equal(ExecutionProvider.Cpu, new OnnxPolicyOptions().Provider);
        Assert.Equal(1, new OnnxPolicyOptions().IntraOpThreads);
        Assert.Throws<ArgumentOutOfRangeException>(() => OnnxPolicy.Load(models.Path("box"), new OnnxPolicyOptions { IntraOpThreads = 0 }));
        using OnnxPolicy one = OnnxPolicy.Load(models.Path("box"));
        using OnnxPolicy two = OnnxPolicy.Load(models.Path("box"), new OnnxPolicyOptions { IntraOpThreads = 2 });
        double[] observation = [1, 0.5, -3], a = new double[2], b = new double[2];
        one.Act(observation, a);
        two.Act(observation, b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void DisposingThePolicyDisposesItsOpenBatches()
    {
        OnnxPolicy policy = OnnxPolicy.Load(models.Path("box"));
        OnnxBatch closed = policy.CreateBatch(2);
        closed.Dispose();
        OnnxBatch open = policy.CreateBatch(4);
        open.Run();
        policy.Dispose();
        Assert.Throws<ObjectDisposedException>(() => policy.Act(new double[3], new double[2]));
        Assert.Throws<ObjectDisposedException>(policy.Reset);
        Assert.Throws<ObjectDisposedException>(() => policy.CreateBatch(1));
        Assert.Throws<ObjectDisposedException>(open.Run);
        Assert.Throws<ObjectDisposedException>(closed.Run);
        open.Dispose();
        policy.Dispose();
    }
}
