using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Control.Tensors.Kernels;

internal readonly unsafe struct V512<T> : IVec<Vector512<T>, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => Vector512<T>.Count;
    public static int MR => 8;
    public static int NV => 2;
    public static int DirectNV(int rows) => rows <= 2 ? 8 : 4;
    public static int DotAccumulators => 24;
    public static Vector512<T> Zero => Vector512<T>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(T* p) => Vector512.Load(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, Vector512<T> v) => Vector512.Store(v, p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Broadcast(T x) => Vector512.Create(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        if (typeof(T) == typeof(double))
            return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Select(Vector512<T> mask, Vector512<T> a, Vector512<T> b) => Vector512.ConditionalSelect(mask, a, b);

    public static Vector512<T> LowMask(int count) =>
        Vector512.LessThan(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(count)));

    public static Vector512<T> HighMask(int count) =>
        Vector512.GreaterThanOrEqual(Vector512<T>.Indices, Vector512.Create(T.CreateTruncating(Count - count)));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> LoadMasked(T* p, Vector512<T> mask)
    {
        if (typeof(T) == typeof(float))
            return Avx512F.MaskLoad((float*)p, mask.AsSingle(), Vector512<float>.Zero).As<float, T>();
        if (typeof(T) == typeof(double))
            return Avx512F.MaskLoad((double*)p, mask.AsDouble(), Vector512<double>.Zero).As<double, T>();
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Rotate(Vector512<T> v, int shift)
    {
        if (typeof(T) == typeof(float))
        {
            Vector512<int> idx = (Vector512<int>.Indices - Vector512.Create(shift)) & Vector512.Create(15);
            return Vector512.Shuffle(v.AsSingle(), idx).As<float, T>();
        }
        if (typeof(T) == typeof(double))
        {
            Vector512<long> idx = (Vector512<long>.Indices - Vector512.Create((long)shift)) & Vector512.Create(7L);
            return Vector512.Shuffle(v.AsDouble(), idx).As<double, T>();
        }
        throw new NotSupportedException();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(Vector512<T> v) => Vector512.Sum(v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, Vector512<T> d0, Vector512<T> d1, Vector512<T> d2,
        Vector512<T> d3, Vector512<T> d4, Vector512<T> d5, Vector512<T> d6, Vector512<T> d7)
    {
        if (Avx.IsSupported)
        {
            V256<T>.StoreSums(c, count, add, d0.GetLower() + d0.GetUpper(), d1.GetLower() + d1.GetUpper(),
                d2.GetLower() + d2.GetUpper(), d3.GetLower() + d3.GetUpper(), d4.GetLower() + d4.GetUpper(),
                d5.GetLower() + d5.GetUpper(), d6.GetLower() + d6.GetUpper(), d7.GetLower() + d7.GetUpper());
            return;
        }
        Sums.Scalar(c, count, add, Sum(d0), Sum(d1), Sum(d2), Sum(d3), Sum(d4), Sum(d5), Sum(d6), Sum(d7));
    }
}
