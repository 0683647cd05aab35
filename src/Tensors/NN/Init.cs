// Weight initializations, in place on a parameter: orthogonal (with gain, as PPO uses), Xavier/Glorot and He/Kaiming.
using Control.Core;

namespace Control.Tensors.NN;

/// <summary>Initializers. Each overwrites the tensor's values from <c>rng</c>; shapes are (out, in) for matrices.</summary>
public static class Init
{
    /// <summary>Recommended gain for an activation (PyTorch's calculate_gain).</summary>
    public static double Gain(Activation activation) => activation switch
    {
        Activation.Tanh => 5.0 / 3.0,
        Activation.Relu => Math.Sqrt(2.0),
        Activation.Sigmoid => 1.0,
        _ => 1.0,
    };

    /// <summary>
    /// A (semi-)orthogonal matrix times <paramref name="gain"/>: Q of the QR decomposition of a standard normal
    /// matrix, with R's diagonal signs folded in (Saxe et al. 2014; PyTorch's orthogonal_).
    /// </summary>
    public static void Orthogonal(Tensor weight, Rng rng, double gain = 1.0)
    {
        if (weight.Rank < 2) throw new TensorException($"orthogonal init: expected at least 2 dimensions, got {Tensor.Format(weight.Shape)}.");
        int rows = weight.Dim(0), cols = weight.Size / rows;
        bool transpose = rows < cols;
        int n = transpose ? cols : rows, m = transpose ? rows : cols;   // QR of an n x m matrix with n >= m
        var a = new double[n * m];
        for (int i = 0; i < a.Length; i++) a[i] = rng.Normal();
        // Modified Gram-Schmidt on the columns; sign of each R diagonal folded into its column.
        for (int j = 0; j < m; j++)
        {
            for (int k = 0; k < j; k++)
            {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += a[i * m + k] * a[i * m + j];
                for (int i = 0; i < n; i++) a[i * m + j] -= dot * a[i * m + k];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += a[i * m + j] * a[i * m + j];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) a[i * m + j] /= norm;
        }
        var values = new double[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                values[r * cols + c] = gain * (transpose ? a[c * m + r] : a[r * m + c]);
        Set(weight, values);
    }

    /// <summary>Uniform in +-gain sqrt(6 / (fan_in + fan_out)) (Glorot &amp; Bengio 2010).</summary>
    public static void XavierUniform(Tensor weight, Rng rng, double gain = 1.0)
    {
        (int fanIn, int fanOut) = Fans(weight);
        double bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
        Set(weight, Enumerable.Range(0, weight.Size).Select(_ => rng.Uniform(-bound, bound)).ToArray());
    }

    /// <summary>Normal with std gain sqrt(2 / (fan_in + fan_out)).</summary>
    public static void XavierNormal(Tensor weight, Rng rng, double gain = 1.0)
    {
        (int fanIn, int fanOut) = Fans(weight);
        double std = gain * Math.Sqrt(2.0 / (fanIn + fanOut));
        Set(weight, Enumerable.Range(0, weight.Size).Select(_ => std * rng.Normal()).ToArray());
    }

    /// <summary>He (Kaiming) uniform for ReLU layers: +-sqrt(6 / fan_in) (He et al. 2015).</summary>
    public static void HeUniform(Tensor weight, Rng rng)
    {
        (int fanIn, _) = Fans(weight);
        double bound = Math.Sqrt(6.0 / fanIn);
        Set(weight, Enumerable.Range(0, weight.Size).Select(_ => rng.Uniform(-bound, bound)).ToArray());
    }

    /// <summary>He (Kaiming) normal: std sqrt(2 / fan_in).</summary>
    public static void HeNormal(Tensor weight, Rng rng)
    {
        (int fanIn, _) = Fans(weight);
        double std = Math.Sqrt(2.0 / fanIn);
        Set(weight, Enumerable.Range(0, weight.Size).Select(_ => std * rng.Normal()).ToArray());
    }

    /// <summary>Every element set to <paramref name="value"/> (e.g. zero biases).</summary>
    public static void Constant(Tensor tensor, double value) => tensor.Fill(value);

    private static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2) throw new TensorException($"init: expected a weight of at least 2 dimensions, got {Tensor.Format(weight.Shape)}.");
        int receptive = weight.Size / (weight.Dim(0) * weight.Dim(1));
        return (weight.Dim(1) * receptive, weight.Dim(0) * receptive);
    }

    private static void Set(Tensor t, double[] values)
    {
        if (t.DType == DType.Float64) values.CopyTo(t.Span<double>());
        else
        {
            Span<float> s = t.Span<float>();
            for (int i = 0; i < values.Length; i++) s[i] = (float)values[i];
        }
    }
}
