using Control.Tensors;

namespace Control.Dynamics.Learned;

/// <summary>Copies between double spans and float32/float64 tensors.</summary>
internal static class TensorRows
{
    /// <summary>Rows <paramref name="rows"/> of <paramref name="source"/> (row width <paramref name="width"/>) into the rows of <paramref name="destination"/>.</summary>
    public static void Gather(ReadOnlySpan<double> source, int width, ReadOnlySpan<int> rows, Tensor destination)
    {
        if (destination.DType == DType.Float32)
        {
            Span<float> d = destination.Span<float>();
            for (int k = 0; k < rows.Length; k++)
            {
                ReadOnlySpan<double> row = source.Slice(rows[k] * width, width);
                for (int j = 0; j < width; j++) d[k * width + j] = (float)row[j];
            }
        }
        else
        {
            Span<double> d = destination.Span<double>();
            for (int k = 0; k < rows.Length; k++) source.Slice(rows[k] * width, width).CopyTo(d.Slice(k * width, width));
        }
    }

    /// <summary>Writes <paramref name="values"/> into the tensor from flat index <paramref name="start"/>.</summary>
    public static void Write(ReadOnlySpan<double> values, Tensor destination, int start)
    {
        if (destination.DType == DType.Float32)
        {
            Span<float> d = destination.Span<float>().Slice(start, values.Length);
            for (int j = 0; j < values.Length; j++) d[j] = (float)values[j];
        }
        else
        {
            values.CopyTo(destination.Span<double>().Slice(start, values.Length));
        }
    }

    /// <summary>Reads <paramref name="values"/>.Length elements of the tensor from flat index <paramref name="start"/>.</summary>
    public static void Read(Tensor source, int start, Span<double> values)
    {
        if (source.DType == DType.Float32)
        {
            ReadOnlySpan<float> s = source.Span<float>().Slice(start, values.Length);
            for (int j = 0; j < values.Length; j++) values[j] = s[j];
        }
        else
        {
            source.Span<double>().Slice(start, values.Length).CopyTo(values);
        }
    }
}
