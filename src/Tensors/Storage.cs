// The memory behind a tensor and its views.
namespace Control.Tensors;

/// <summary>
/// The memory a tensor (and its views) reads: a float[] or double[], possibly rented from a pool. Arrays of 16
/// elements or more are pinned and the elements start at <see cref="Start"/>, the first 64-byte boundary, so that
/// SIMD loads in the GEMM and elementwise kernels never straddle cache lines (up to 2x on batch-1 products).
/// </summary>
internal sealed class Storage
{
    public Array? Data;
    public readonly bool Pooled;
    public readonly int Size;
    public readonly int Start;

    public Storage(Array data, bool pooled, int size)
    {
        Data = data;
        Pooled = pooled;
        Size = size;
        Start = data.Length > size ? AlignedStart(data) : 0;
    }

    /// <summary>Elements allocated beyond the payload so that an aligned start always fits (64 bytes or more).</summary>
    public const int AlignmentSlack = 16;

    /// <summary>Smallest payload that gets a pinned, aligned array.</summary>
    public const int AlignedMinimum = 16;

    public static Array Allocate(DType dtype, int size)
    {
        if (size < AlignedMinimum) return dtype == DType.Float32 ? new float[size] : new double[size];
        return dtype == DType.Float32
            ? GC.AllocateUninitializedArray<float>(size + AlignmentSlack, pinned: true)
            : GC.AllocateUninitializedArray<double>(size + AlignmentSlack, pinned: true);
    }

    private static unsafe int AlignedStart(Array data)
    {
        switch (data)
        {
            case float[] f:
                fixed (float* p = f) return (int)((64 - (long)p % 64) % 64 / sizeof(float));
            case double[] d:
                fixed (double* p = d) return (int)((64 - (long)p % 64) % 64 / sizeof(double));
            default:
                return 0;
        }
    }
}
