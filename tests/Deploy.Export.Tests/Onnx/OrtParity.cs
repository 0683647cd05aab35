// Runs an exported model in ONNX Runtime (the reference executor, independent of Control's tensor engine) and compares
// every output with what Control's own policy computes for the same observations: the action (exactly for a discrete
// one), the network's outputs as logits or Q values, the Gaussian mean and the log-std.
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Control.Deploy.Export.Tests.Onnx;

public static class OrtParity
{
    /// <summary>The largest absolute difference over all float outputs; asserts equal discrete actions.</summary>
    public static double MaxAbsDiff(InferencePolicy policy, byte[] model, IReadOnlyList<double[]> observations, bool staticBatch)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        int n = policy.ObservationSize;
        double max = 0;
        int step = staticBatch ? 1 : observations.Count;
        for (int start = 0; start < observations.Count; start += step)
        {
            int batch = Math.Min(step, observations.Count - start);
            var input = new DenseTensor<float>([batch, n]);
            for (int b = 0; b < batch; b++)
            {
                for (int i = 0; i < n; i++) input[b, i] = (float)observations[start + b][i];
            }
            using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxContract.Observation, input)]);
            var outputs = results.ToDictionary(r => r.Name, r => r);
            for (int b = 0; b < batch; b++) max = Math.Max(max, Compare(policy, observations[start + b], b, outputs));
        }
        return max;
    }

    private static double Compare(InferencePolicy policy, double[] observation, int row, Dictionary<string, DisposableNamedOnnxValue> outputs)
    {
        ActionHead head = policy.Head;
        var action = new double[policy.ActionSize];
        var network = new float[policy.Network.Outputs];
        policy.Act(observation, action);
        policy.Outputs(observation, network);
        double max = 0;
        void Check(string name, int column, double expected)
        {
            Tensor<float> tensor = outputs[name].AsTensor<float>();
            float actual = tensor[tensor.Dimensions[0] == 1 ? 0 : row, column];
            Assert.False(float.IsNaN(actual), $"{name}[{row}, {column}] is NaN");
            max = Math.Max(max, Math.Abs(actual - expected));
        }
        if (head.Kind == ActionHeadKind.Argmax)
        {
            long index = outputs[OnnxContract.Action].AsTensor<long>()[row];
            Assert.True(index == (long)action[0], $"action of row {row}: ONNX Runtime {index}, Control {action[0]}");
            string name = head.SamplesLogits ? OnnxContract.Logits : OnnxContract.QValues;
            for (int j = 0; j < network.Length; j++) Check(name, j, network[j]);
            return max;
        }
        for (int j = 0; j < action.Length; j++) Check(OnnxContract.Action, j, action[j]);
        if (head.Kind is ActionHeadKind.Deterministic or ActionHeadKind.Binned) return max;
        for (int j = 0; j < action.Length; j++) Check(OnnxContract.ActionMean, j, network[j]);
        for (int j = 0; j < action.Length && head.LogStdSource != LogStdSource.None; j++)
        {
            double logStd = head.LogStdSource == LogStdSource.Vector
                ? head.LogStd[j]
                : Math.Clamp(network[action.Length + j], ActionHead.MinLogStd, ActionHead.MaxLogStd);
            Check(OnnxContract.LogStd, j, logStd);
        }
        Assert.Equal(head.LogStdSource != LogStdSource.None, outputs.ContainsKey(OnnxContract.LogStd));
        return max;
    }
}
