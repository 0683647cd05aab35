namespace Control.Experiments;

/// <summary>
/// The largest absolute difference between ONNX Runtime's outputs and Control's, and the largest relative to the
/// value's magnitude, |diff| / max(1, |value|): float32 keeps about 7 digits, so two engines that sum in different
/// orders differ by a few units in the last place of each value, whatever its size.
/// </summary>
internal sealed class ParityDifference
{
    /// <summary>Largest absolute difference so far.</summary>
    public double Absolute { get; private set; }

    /// <summary>Largest relative difference so far.</summary>
    public double Relative { get; private set; }

    /// <summary>Compares ONNX Runtime's values with Control's (double).</summary>
    public void Add(ReadOnlySpan<float> onnx, ReadOnlySpan<double> control)
    {
        for (int i = 0; i < onnx.Length; i++) Add(onnx[i], control[i]);
    }

    /// <summary>Compares ONNX Runtime's values with Control's (float).</summary>
    public void Add(ReadOnlySpan<float> onnx, ReadOnlySpan<float> control)
    {
        for (int i = 0; i < onnx.Length; i++) Add(onnx[i], control[i]);
    }

    private void Add(double onnx, double control)
    {
        double d = Math.Abs(onnx - control);
        Absolute = Math.Max(Absolute, d);
        Relative = Math.Max(Relative, d / Math.Max(1, Math.Abs(control)));
    }
}
