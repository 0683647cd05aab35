// The batch-1 dense kernels of a deployed policy (RowKernels, RowLayer, RowNetwork) against references written apart from
// them: by columns, every output equals, bit for bit, the documented sum b_j + ((a_j + b_j') + (c_j + d_j)) of four
// scalar fused multiply-add chains over the inputs i mod 4, on every vector width (sizes that fill no vector, one, and
// several blocks with a rest); both layouts, by rows on every width too, a double-precision product to float rounding; a
// tanh in the kernel gives the separate activation's bits; bad lengths (an overflowing product included), activations
// and a layer fed its own output row are refused with what was expected.
using System.Runtime.Intrinsics;
using Control.Core;
using Control.Tensors.Kernels;
using Control.Tensors.NN;

namespace Control.Tensors.Tests.Kernels;

public class RowKernelTests
{
    private static readonly (int Inputs, int Outputs)[] Sizes =
        [(1, 16), (2, 17), (3, 32), (3, 64), (4, 8), (5, 33), (7, 100), (16, 16), (17, 64), (64, 64), (33, 48), (256, 256), (9, 7), (64, 1),
         (1, 1), (20, 5), (24, 15), (40, 3)];

    private static IEnumerable<int> Widths()
    {
        if (Vector512.IsHardwareAccelerated) yield return 512;
        if (Vector256.IsHardwareAccelerated) yield return 256;
        yield return 0;
    }

    private static float[] Random(Rng rng, int length)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (float)rng.Uniform(-2, 2);
        return values;
    }

    // W (out, in) as W^T (in, out).
    private static float[] Transpose(float[] weight, int inputs, int outputs)
    {
        var t = new float[weight.Length];
        for (int o = 0; o < outputs; o++)
            for (int i = 0; i < inputs; i++) t[i * outputs + o] = weight[o * inputs + i];
        return t;
    }

    // The documented order, one output at a time in scalar code.
    private static float ColumnsReference(float[] x, float[] weight, float[] bias, int j)
    {
        var chains = new float[4];
        for (int i = 0; i < x.Length; i++) chains[i % 4] = MathF.FusedMultiplyAdd(x[i], weight[j * x.Length + i], chains[i % 4]);
        float sum = (chains[0] + chains[1]) + (chains[2] + chains[3]);
        return bias.Length == 0 ? sum : bias[j] + sum;
    }

    [Fact]
    public void ByColumnsEveryOutputIsTheDocumentedSumOnEveryVectorWidth()
    {
        var rng = new Rng(11);
        foreach ((int inputs, int outputs) in Sizes)
        {
            foreach (bool withBias in new[] { true, false })
            {
                float[] x = Random(rng, inputs), weight = Random(rng, inputs * outputs), bias = withBias ? Random(rng, outputs) : [];
                float[] weightByColumns = Transpose(weight, inputs, outputs);
                foreach (int width in Widths())
                {
                    var y = new float[outputs];
                    RowKernels.MultiplyWith(byColumns: true, x, weightByColumns, bias, y, tanh: false, width);
                    for (int j = 0; j < outputs; j++)
                        Assert.True(ColumnsReference(x, weight, bias, j) == y[j], $"{inputs} -> {outputs}, bias {withBias}, width {width}: output {j} is {y[j]}, expected {ColumnsReference(x, weight, bias, j)}");
                }
            }
        }
    }

    // |y_j - exact_j| within the rounding of inputs + 1 float operations on partial sums bounded by sum |x_i w_ji| + |b_j|.
    private static void AssertRounded(float[] x, float[] weight, float[] bias, ReadOnlySpan<float> y, string what)
    {
        int inputs = x.Length;
        for (int j = 0; j < y.Length; j++)
        {
            double exact = bias[j], magnitude = Math.Abs(bias[j]);
            for (int i = 0; i < inputs; i++)
            {
                exact += (double)x[i] * weight[j * inputs + i];
                magnitude += Math.Abs((double)x[i] * weight[j * inputs + i]);
            }
            Assert.True(Math.Abs(y[j] - exact) <= (inputs + 1) * 6e-8 * magnitude, $"{what}: output {j} is {y[j]}, exact {exact}");
        }
    }

    [Fact]
    public void EveryLayoutAgreesWithADoublePrecisionProductToFloatRounding()
    {
        var rng = new Rng(12);
        foreach ((int inputs, int outputs) in Sizes)
        {
            float[] x = Random(rng, inputs), weight = Random(rng, inputs * outputs), bias = Random(rng, outputs);
            var layer = new RowLayer(weight, bias, inputs, outputs, Activation.Identity);
            AssertRounded(x, weight, bias, layer.Forward(x), $"{inputs} -> {outputs} ({(layer.ByColumns ? "by columns" : "by rows")})");
            foreach (int width in Widths())
            {
                var y = new float[outputs];
                RowKernels.MultiplyWith(byColumns: false, x, weight, bias, y, tanh: false, width);
                AssertRounded(x, weight, bias, y, $"{inputs} -> {outputs} by rows, width {width}");
            }
        }
    }

    [Fact]
    public void TheTanhInTheKernelGivesTheSeparateActivationsBits()
    {
        var rng = new Rng(13);
        foreach ((int inputs, int outputs) in Sizes)
        {
            float[] x = Random(rng, inputs), weight = Random(rng, inputs * outputs), bias = Random(rng, outputs);
            float[] fused = new RowLayer(weight, bias, inputs, outputs, Activation.Tanh).Forward(x).ToArray();
            float[] separate = new RowLayer(weight, bias, inputs, outputs, Activation.Identity).Forward(x).ToArray();
            SingleRow.Activate(Activation.Tanh, separate);
            Assert.Equal(separate, fused);
        }
    }

    [Fact]
    public void ANetworkChainsItsLayers()
    {
        var rng = new Rng(14);
        float[] w1 = Random(rng, 3 * 32), b1 = Random(rng, 32), w2 = Random(rng, 32 * 5), b2 = Random(rng, 5), x = Random(rng, 3);
        RowLayer first = new(w1, b1, 3, 32, Activation.Relu), second = new(w2, b2, 32, 5, Activation.Sigmoid);
        var network = new RowNetwork([first, second]);
        var y = new float[5];
        network.Forward(x, y);
        float[] expected = new RowLayer(w2, b2, 32, 5, Activation.Sigmoid).Forward(new RowLayer(w1, b1, 3, 32, Activation.Relu).Forward(x)).ToArray();
        Assert.Equal(expected, y);
    }

    [Fact]
    public void BadLengthsAndActivationsAreRefusedWithWhatWasExpected()
    {
        var error = Assert.Throws<ArgumentException>(() => new RowLayer(new float[11], new float[4], 3, 4, Activation.Tanh));
        Assert.Contains("expected a weight of 4 x 3 = 12 values and a bias of 4 (or none), got 11 and 4", error.Message);
        error = Assert.Throws<ArgumentException>(() => new RowLayer(new float[12], new float[3], 3, 4, Activation.Tanh));
        Assert.Contains("got 12 and 3", error.Message);
        error = Assert.Throws<ArgumentException>(() => new RowLayer(new float[12], [], 3, 4, Activation.Softplus));
        Assert.Contains("Softplus has no single-row form", error.Message);
        var layer = new RowLayer(new float[12], [], 3, 4, Activation.Tanh);
        error = Assert.Throws<ArgumentException>(() => layer.Forward(new float[2]));
        Assert.Contains("expected 3 inputs, got 2", error.Message);
        error = Assert.Throws<ArgumentException>(() => new RowNetwork([layer, new RowLayer(new float[10], [], 5, 2, Activation.Identity)]));
        Assert.Contains("layer 1 expects 5 inputs, layer 0 gives 4", error.Message);
        var network = new RowNetwork([layer]);
        error = Assert.Throws<ArgumentException>(() => network.Forward(new float[3], new float[5]));
        Assert.Contains("expected 3 inputs and room for 4 outputs, got 3 and 5", error.Message);
        error = Assert.Throws<ArgumentException>(() => new RowLayer(new float[4], [], 4, (1 << 30) + 1, Activation.Identity));
        Assert.Contains("expected a weight of 1073741825 x 4 = 4294967300 values", error.Message);
    }

    // A layer writes its own output row while it reads its input: it cannot be its own input.
    [Fact]
    public void ALayerIsNotItsOwnInput()
    {
        var rng = new Rng(15);
        var square = new RowLayer(Random(rng, 25), Random(rng, 5), 5, 5, Activation.Tanh);
        var error = Assert.Throws<ArgumentException>(() => new RowNetwork([square, square]));
        Assert.Contains("expected distinct layer instances (each writes its own output row), got layer 0 again at 1", error.Message);
        float[] x = Random(rng, 5);
        error = Assert.Throws<ArgumentException>(() => square.Forward(square.Forward(x)));
        Assert.Contains("expected an input apart from the layer's own output row", error.Message);
    }
}
