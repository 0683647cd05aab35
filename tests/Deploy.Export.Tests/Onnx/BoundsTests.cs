// The exported bounds never let an action out of the Box: float32 cannot hold 0.1 or -0.3 exactly, and rounding to
// nearest would put a saturated action 1.5e-9 outside; the exporter rounds each bound inward.
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Deploy.Export.Tests.Onnx;

public class BoundsTests
{
    [Theory]
    [InlineData(-0.3, 0.1)]
    [InlineData(-0.1, 0.3)]
    public void ASaturatedActionStaysInsideTheBox(double low, double high)
    {
        foreach (Box box in new[] { Box.Uniform(2, low, high), new Box([low, 2 * low], [high, 2 * high]) })
        {
            var layer = new DenseLayer(Tensor.FromArray(new float[] { 100f, -100f }, 2, 1), null, Activation.Identity);
            var policy = new InferencePolicy(1, ObservationEncoding.Values, null, new InferenceNetwork([layer]), ActionHead.Deterministic(2), box);
            byte[] model = OnnxExporter.Export(policy, new OnnxModelInfo("none", "hand", "", Box.Uniform(1, -10, 10)));
            using OnnxPolicy onnx = OnnxPolicy.Load(model, "bounds");
            var action = new double[2];
            foreach (double x in new[] { -5.0, 5.0 })
            {
                onnx.Act([x], action);
                Assert.True(box.Contains(action), $"{string.Join(", ", action)} outside {box.Describe()}");
                for (int i = 0; i < 2; i++) Assert.True(Math.Abs(action[i] - (x > 0 == (i == 0) ? box.High[i] : box.Low[i])) < 1e-7, $"action {i} = {action[i]} is not at its bound");
            }
        }
    }
}
