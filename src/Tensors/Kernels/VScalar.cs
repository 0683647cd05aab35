using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Tensors.Kernels;

/// <summary>One lane: the portable fallback when no vector width is accelerated.</summary>
internal readonly unsafe struct VScalar<T> : IVec<T, T> where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;
    public static int MR => 4;
    public static int NV => 2;
    public static int DirectNV(int rows) => 2;
    public static int DotAccumulators => 8;
    public static T Zero => T.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(T* p) => *p;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T* p, T v) => *p = v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Broadcast(T x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Fma(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    public static T Select(T mask, T a, T b) => throw new NotSupportedException();

    public static T LowMask(int count) => throw new NotSupportedException();

    public static T HighMask(int count) => throw new NotSupportedException();

    public static T LoadMasked(T* p, T mask) => throw new NotSupportedException();

    public static T Rotate(T v, int shift) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Sum(T v) => v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreSums(T* c, int count, bool add, T d0, T d1, T d2, T d3, T d4, T d5, T d6, T d7) =>
        Sums.Scalar(c, count, add, d0, d1, d2, d3, d4, d5, d6, d7);
}
