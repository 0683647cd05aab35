// Vectorized float32 tanh (TensorPrimitives.Tanh<float> is scalar in this runtime: ~10 ns per element).
// For |x| >= 0.4: tanh|x| = (1 - t) / (1 + t) with t = exp(-2|x|), no cancellation there since t <= 0.45;
// for |x| < 0.4: the Taylor series to x^13 (coefficients from the Bernoulli numbers), whose first omitted
// term is below 1e-8 relative. Both branches are evaluated and blended, so the loop has no data-dependent branch.
// With AVX-512, exp(-2|x|) for |x| <= 10 is computed directly: 2^n e^r with n = round(y / ln 2) and
// r = y - n ln 2 (ln 2 split in two parts, Cody and Waite), e^r by its Taylor series to r^7 (|r| <= 0.35: error
// below 6e-9), and the division by a 14-bit reciprocal estimate refined by one Newton step.
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Control.Tensors.Kernels;

internal static class Activations
{
    private const float Threshold = 0.4f;
    private const float C3 = -1f / 3, C5 = 2f / 15, C7 = -17f / 315, C9 = 62f / 2835, C11 = -1382f / 155925, C13 = 21844f / 6081075;

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

    private const float Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f, RoundingShift = 12582912f;

    // e^y for y in [-20, 0].
    private static Vector512<float> ExpNonPositive(Vector512<float> y)
    {
        Vector512<float> n = Vector512.FusedMultiplyAdd(y, Vector512.Create(Log2E), Vector512.Create(RoundingShift)) - Vector512.Create(RoundingShift);
        Vector512<float> r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2High), y);
        r = Vector512.FusedMultiplyAdd(n, Vector512.Create(-Ln2Low), r);
        Vector512<float> p = Vector512.Create(1f / 5040);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 720));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        Vector512<int> exponent = Vector512.ShiftLeft(Vector512.ConvertToInt32(n) + Vector512.Create(127), 23);
        return p * exponent.AsSingle();
    }

    private static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> a = Vector512.Abs(x);
        Vector512<float> large;
        if (Avx512F.IsSupported)
        {
            Vector512<float> t = ExpNonPositive(Vector512.Min(a, Vector512.Create(10f)) * -2f);
            Vector512<float> denominator = Vector512<float>.One + t;
            Vector512<float> q = Avx512F.Reciprocal14(denominator);
            q *= Vector512.Create(2f) - denominator * q;
            large = (Vector512<float>.One - t) * q;
        }
        else
        {
            Vector512<float> t = Vector512.Exp(a * -2f);
            large = (Vector512<float>.One - t) / (Vector512<float>.One + t);
        }
        Vector512<float> x2 = a * a;
        Vector512<float> p = Vector512.Create(C13);
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C11));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C9));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C7));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C5));
        p = Vector512.FusedMultiplyAdd(p, x2, Vector512.Create(C3));
        Vector512<float> small = Vector512.FusedMultiplyAdd(p * x2, a, a);
        Vector512<float> magnitude = Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512.Create(Threshold)), small, large);
        // NaN in, NaN out (the clamp above would otherwise turn it into a finite value).
        return Vector512.ConditionalSelect(Vector512.Equals(x, x), Vector512.CopySign(magnitude, x), x);
    }

    private static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> a = Vector256.Abs(x);
        Vector256<float> t = Vector256.Exp(a * -2f);
        Vector256<float> large = (Vector256<float>.One - t) / (Vector256<float>.One + t);
        Vector256<float> x2 = a * a;
        Vector256<float> p = Vector256.Create(C13);
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C11));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C9));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C7));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C5));
        p = Vector256.FusedMultiplyAdd(p, x2, Vector256.Create(C3));
        Vector256<float> small = Vector256.FusedMultiplyAdd(p * x2, a, a);
        Vector256<float> magnitude = Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256.Create(Threshold)), small, large);
        return Vector256.CopySign(magnitude, x);
    }
}
