using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Control.Tensors.Kernels;

/// <summary>Per-thread packing memory: pinned, 64-byte aligned, grown on demand and reused.</summary>
internal static unsafe class Scratch<T> where T : unmanaged
{
    [ThreadStatic] private static T[]? array;

    public static T* Get(nint length)
    {
        nint pad = 64 / sizeof(T);
        T[]? arr = array;
        if (arr is null || arr.Length < length + pad)
        {
            arr = GC.AllocateUninitializedArray<T>(checked((int)(length + pad)), pinned: true);
            array = arr;
        }
        byte* p = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(arr));
        return (T*)(p + ((64 - ((nint)p & 63)) & 63));
    }
}
