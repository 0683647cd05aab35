// Vectorized float32 tanh (TensorPrimitives.Tanh<float> is scalar in this runtime).
// tanh x = x P(x^2) / Q(x^2) on x clamped to +-7.9053 (where tanh rounds to +-1 in float), with the minimax
// rational approximation of degree 13/6 that Eigen uses (generic_fast_tanh_float), and x itself below |x| = 0.0004.
// Measured against double tanh on every 7th float in [-10, 10]: at most 2.9e-7 relative error (the exp-based form
// it replaces: 2.4e-7), and faster, since it needs one division and no exponential (bench/RESULTS.md).
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Tensors.Kernels;

internal static class Activations
{
    private const float Bound = 7.90531110763549805f;
    private const float Tiny = 0.0004f;
    private const float P1 = 4.89352455891786e-03f, P3 = 6.37261928875436e-04f, P5 = 1.48572235717979e-05f,
        P7 = 5.12229709037114e-08f, P9 = -8.60467152213735e-11f, P11 = 2.00018790482477e-13f, P13 = -2.76076847742355e-16f;
    private const float Q0 = 4.89352518554385e-03f, Q2 = 2.26843463243900e-03f, Q4 = 1.18534705686654e-04f, Q6 = 1.19825839466702e-06f;

    public static void Tanh(ReadOnlySpan<float> x, Span<float> y)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector512<float>.Count; i += Vector512<float>.Count)
                Tanh(Vector512.Create(x.Slice(i, Vector512<float>.Count))).CopyTo(y.Slice(i, Vector512<float>.Count));
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= x.Length - Vector256<float>.Count; i += Vector256<float>.Count)
                Tanh(Vector256.Create(x.Slice(i, Vector256<float>.Count))).CopyTo(y.Slice(i, Vector256<float>.Count));
        }
        for (; i < x.Length; i++) y[i] = MathF.Tanh(x[i]);
    }

    public static void Tanh(ReadOnlySpan<double> x, Span<double> y) => TensorPrimitives.Tanh(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Tanh(Vector512<float> input)
    {
        Vector512<float> x = Vector512.Clamp(input, Vector512.Create(-Bound), Vector512.Create(Bound));
        Vector512<float> x2 = x * x;
        Vector512<float> p = Vector512.FusedMultiplyAdd(x2, Vector512.Create(P13), Vector512.Create(P11));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(P9));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(P7));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(P5));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(P3));
        p = Vector512.FusedMultiplyAdd(x2, p, Vector512.Create(P1));
        Vector512<float> q = Vector512.FusedMultiplyAdd(x2, Vector512.Create(Q6), Vector512.Create(Q4));
        q = Vector512.FusedMultiplyAdd(x2, q, Vector512.Create(Q2));
        q = Vector512.FusedMultiplyAdd(x2, q, Vector512.Create(Q0));
        return Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(input), Vector512.Create(Tiny)), input, x * p / q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Tanh(Vector256<float> input)
    {
        Vector256<float> x = Vector256.Clamp(input, Vector256.Create(-Bound), Vector256.Create(Bound));
        Vector256<float> x2 = x * x;
        Vector256<float> p = Vector256.FusedMultiplyAdd(x2, Vector256.Create(P13), Vector256.Create(P11));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(P9));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(P7));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(P5));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(P3));
        p = Vector256.FusedMultiplyAdd(x2, p, Vector256.Create(P1));
        Vector256<float> q = Vector256.FusedMultiplyAdd(x2, Vector256.Create(Q6), Vector256.Create(Q4));
        q = Vector256.FusedMultiplyAdd(x2, q, Vector256.Create(Q2));
        q = Vector256.FusedMultiplyAdd(x2, q, Vector256.Create(Q0));
        return Vector256.ConditionalSelect(Vector256.LessThan(Vector256.Abs(input), Vector256.Create(Tiny)), input, x * p / q);
    }
}
