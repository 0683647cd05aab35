using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>Argument checks shared by the residuals.</summary>
internal static class ResidualChecks
{
    /// <summary>Every index in [0, limit).</summary>
    public static void Indices(string residual, string what, int[] indices, int limit)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            if (indices[i] < 0 || indices[i] >= limit)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"{residual}: expected every {what} index in [0, {limit}), got indices[{i}] = {indices[i]}.");
        }
    }

    /// <summary>A copy of the target (zeros when null), which must have one finite entry per index.</summary>
    public static double[] Target(string residual, double[]? target, int length)
    {
        if (target is null) return new double[length];
        ModelChecks.Length(residual, "target (one entry per index)", length, target.Length);
        if (!target.All(double.IsFinite)) throw new ArgumentException($"{residual}: the target has non-finite entries.");
        return (double[])target.Clone();
    }

    /// <summary>x, u and r of the residual's sizes.</summary>
    public static void Point(string residual, IResidual shape, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        ModelChecks.Length(residual, "x", shape.StateSize, x.Length);
        ModelChecks.Length(residual, "u", shape.ControlSize, u.Length);
        ModelChecks.Length(residual, "r", shape.Size, r.Length);
    }
}
