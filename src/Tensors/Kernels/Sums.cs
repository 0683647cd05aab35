using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Control.Tensors.Kernels;

/// <summary>Writing a row of dot products into C.</summary>
internal static unsafe class Sums
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(T* c, int count, bool add, Vector256<T> s) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (count == Vector256<T>.Count)
        {
            if (add) s += Vector256.Load(c);
            Vector256.Store(s, c);
            return;
        }
        if (count * sizeof(T) == 16)
        {
            Vector128<T> low = s.GetLower();
            if (add) low += Vector128.Load(c);
            Vector128.Store(low, c);
            return;
        }
        for (int i = 0; i < count; i++) c[i] = add ? c[i] + s.GetElement(i) : s.GetElement(i);
    }

    public static void Scalar<T>(T* c, int count, bool add, T s0, T s1, T s2, T s3, T s4, T s5, T s6, T s7)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* s = stackalloc T[8];
        s[0] = s0; s[1] = s1; s[2] = s2; s[3] = s3; s[4] = s4; s[5] = s5; s[6] = s6; s[7] = s7;
        for (int i = 0; i < count; i++) c[i] = add ? c[i] + s[i] : s[i];
    }
}
