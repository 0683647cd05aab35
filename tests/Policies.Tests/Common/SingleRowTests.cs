using Control.Core;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.NN;

namespace Control.Policies.Tests.Common;

// The single-row forward pass of an inference network (spans, no tensors) against the tensor path it replaces at batch 1:
// equal to float32 rounding for every activation (the sums run in another order: RowKernelTests checks that order),
// widths that do and do not fill a vector, with and without biases; the tensor fallback (softplus, dueling heads) to
// the bit.
public class SingleRowTests
{
    private static DenseLayer Layer(Rng rng, int inputs, int outputs, Activation activation, bool bias)
    {
        var w = new float[inputs * outputs];
        for (int i = 0; i < w.Length; i++) w[i] = (float)rng.Uniform(-1, 1);
        var b = new float[outputs];
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.Uniform(-1, 1);
        return new DenseLayer(Tensor.FromArray(w, outputs, inputs), bias ? Tensor.FromArray(b, outputs) : null, activation);
    }

    private static float[] TensorOutputs(InferenceNetwork network, float[] x)
    {
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        return network.Forward(Tensor.FromArray(x, 1, x.Length)).ToFloatArray();
    }

    [Theory]
    [InlineData(Activation.Tanh, 3, 64, true)]
    [InlineData(Activation.Relu, 17, 64, true)]
    [InlineData(Activation.Elu, 12, 37, true)]
    [InlineData(Activation.Sigmoid, 5, 256, false)]
    [InlineData(Activation.Identity, 9, 7, true)]
    [InlineData(Activation.Softplus, 4, 32, true)]
    public void TheSingleRowPathAgreesWithTheTensorPath(Activation activation, int inputs, int width, bool bias)
    {
        var rng = new Rng(7 + (int)activation);
        var network = new InferenceNetwork([Layer(rng, inputs, width, activation, bias), Layer(rng, width, width, activation, bias), Layer(rng, width, 3, Activation.Identity, bias)]);
        var x = new float[inputs];
        var y = new float[3];
        for (int trial = 0; trial < 50; trial++)
        {
            for (int i = 0; i < inputs; i++) x[i] = (float)rng.Uniform(-4, 4);
            network.Forward(x, y);
            float[] expected = TensorOutputs(network, x);
            for (int j = 0; j < y.Length; j++)
            {
                if (activation == Activation.Softplus) Assert.Equal(expected[j], y[j]);
                else Assert.True(Math.Abs(y[j] - expected[j]) <= 1e-5f * (1 + Math.Abs(expected[j])), $"output {j}: {y[j]} against the tensor path's {expected[j]}");
            }
        }
    }

    [Fact]
    public void DuelingHeadsTakeTheTensorPathAndAgree()
    {
        var rng = new Rng(3);
        var network = new InferenceNetwork([Layer(rng, 4, 16, Activation.Relu, true)], new DuelingHeads(Layer(rng, 16, 1, Activation.Identity, true), Layer(rng, 16, 5, Activation.Identity, true)));
        float[] x = [0.5f, -1f, 2f, 0.25f];
        var y = new float[5];
        network.Forward(x, y);
        Assert.Equal(TensorOutputs(network, x), y);
    }

    [Fact]
    public void WrongLengthsAreNamed()
    {
        var network = new InferenceNetwork([Layer(new Rng(1), 4, 8, Activation.Tanh, true)]);
        var error = Assert.Throws<ArgumentException>(() => network.Forward(new float[3], new float[8]));
        Assert.Contains("expected 4 inputs and room for 8 outputs, got 3 and 8", error.Message);
    }

    // The argmax head on a span picks as Tensor.ArgMax does: the first of equal largest outputs, a NaN above any number.
    [Theory]
    [InlineData(new float[] { 1f, 3f, 3f, 2f }, 1)]
    [InlineData(new float[] { -1f, -1f }, 0)]
    [InlineData(new float[] { 1f, float.NaN, 5f }, 1)]
    [InlineData(new float[] { 2f, 1f, 0f }, 0)]
    public void TheArgmaxHeadOnASpanPicksAsTheTensorHeadDoes(float[] outputs, int expected)
    {
        ActionHead head = ActionHead.Argmax(outputs.Length, logits: false);
        var fromSpan = new double[1];
        var fromTensor = new double[1];
        head.Act(outputs, fromSpan);
        using (TensorScope.Begin()) head.Act(Tensor.FromArray(outputs, 1, outputs.Length), fromTensor);
        Assert.Equal(expected, fromSpan[0]);
        Assert.Equal(fromTensor[0], fromSpan[0]);
    }
}
