using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Control.Tensors.Kernels;

internal readonly unsafe struct V256<T> : IVec<Vector256<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector256<T>.Count;
    public static int MR => 6;
    public static int NV => 2;
    public static int DirectNV(int rows) => rows == 1 ? 6 : rows == 2 ? 4 : 2;
    public static int DotAccumulators => 8;
    public static Vector256<T> Zero => Vector256<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(T* p) => Vector256.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector256<T> v) => Vector256.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Broadcast(T x) => Vector256.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Select(Vector256<T> mask, Vector256<T> a, Vector256<T> b) => Vector256.ConditionalSelect(mask, a, b);

    public static Vector256<T> LowMask(int count) =>
        Vector256.LessThan(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(count)));

    public static Vector256<T> HighMask(int count) =>
        Vector256.GreaterThanOrEqual(Vector256<T>.Indices, Vector256.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> LoadMasked(T* p, Vector256<T> mask)
    {
        if (Avx.IsSupported)
        {
            if (typeof(T) == typeof(float)) return Avx.MaskLoad((float*)p, mask.AsSingle()).As<float, T>();
            if (typeof(T) == typeof(double)) return Avx.MaskLoad((double*)p, mask.AsDouble()).As<double, T>();
        }
        // Portable fallback: lane by lane, touching only the lanes that are set.
        T* tmp = stackalloc T[Vector256<T>.Count];
        for (int i = 0; i < Vector256<T>.Count; i++)
            tmp[i] = T.IsNaN(mask.GetElement(i)) ? p[i] : T.Zero;
        return Vector256.Load(tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Rotate(Vector256<T> v, int shift)
    {
        if (typeof(T) == typeof(float))
        {
            Vector256<int> idx = (Vector256<int>.Indices - Vector256.Create(shift)) & Vector256.Create(7);
            return Vector256.Shuffle(v.AsSingle(), idx).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            Vector256<long> idx = (Vector256<long>.Indices - Vector256.Create((long)shift)) & Vector256.Create(3L);
            return Vector256.Shuffle(v.AsDouble(), idx).As<double, T>();
        }
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector256<T> v) => Vector256.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, Vector256<T> d0, Vector256<T> d1, Vector256<T> d2,
        Vector256<T> d3, Vector256<T> d4, Vector256<T> d5, Vector256<T> d6, Vector256<T> d7)
    {
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            // Pairwise sums within 128-bit lanes, then the two lanes: s_i = ((e0 + e1) + (e2 + e3)) + ((e4 + e5) + (e6 + e7)).
            Vector256<float> u0 = Avx.HorizontalAdd(
                Avx.HorizontalAdd(d0.AsSingle(), d1.AsSingle()), Avx.HorizontalAdd(d2.AsSingle(), d3.AsSingle()));
            Vector256<float> u1 = Avx.HorizontalAdd(
                Avx.HorizontalAdd(d4.AsSingle(), d5.AsSingle()), Avx.HorizontalAdd(d6.AsSingle(), d7.AsSingle()));
            Vector256<float> s = Avx.Permute2x128(u0, u1, 0x20) + Avx.Permute2x128(u0, u1, 0x31);
            Sums.Store(c, count, add, s.As<float, T>());
            return;
        }
        if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            // s_i = (e0 + e1) + (e2 + e3).
            Vector256<double> t01 = Avx.HorizontalAdd(d0.AsDouble(), d1.AsDouble()), t23 = Avx.HorizontalAdd(d2.AsDouble(), d3.AsDouble());
            Vector256<double> t45 = Avx.HorizontalAdd(d4.AsDouble(), d5.AsDouble()), t67 = Avx.HorizontalAdd(d6.AsDouble(), d7.AsDouble());
            Vector256<double> s0 = Avx.Permute2x128(t01, t23, 0x20) + Avx.Permute2x128(t01, t23, 0x31);
            Vector256<double> s1 = Avx.Permute2x128(t45, t67, 0x20) + Avx.Permute2x128(t45, t67, 0x31);
            Sums.Store(c, Math.Min(count, 4), add, s0.As<double, T>());
            if (count > 4) Sums.Store(c + 4, count - 4, add, s1.As<double, T>());
            return;
        }
        Sums.Scalar(c, count, add, Sum(d0), Sum(d1), Sum(d2), Sum(d3), Sum(d4), Sum(d5), Sum(d6), Sum(d7));
    }
}
