namespace Control.Core.Models;

/// <summary>
/// Derivatives of a cost at one point, preallocated for reuse. State derivatives are in the tangent coordinates of the
/// cost's <see cref="ICost.StateSpace"/>, so their size nt is its TangentSize (n for Euclidean states). Row-major:
/// <c>Lxx</c> nt x nt, <c>Luu</c> m x m, <c>Lux[i * nt + j] = d2 l / (d u_i d x_j)</c> (m x nt). A terminal cost fills
/// only <c>Lx</c> and <c>Lxx</c>.
/// </summary>
public sealed class CostDerivatives
{
    /// <summary>Buffers for a cost with state tangent size nt (n for Euclidean states) and m controls.</summary>
    public CostDerivatives(int stateSize, int controlSize)
    {
        StateSize = stateSize;
        ControlSize = controlSize;
        Lx = new double[stateSize];
        Lu = new double[controlSize];
        Lxx = new double[stateSize * stateSize];
        Luu = new double[controlSize * controlSize];
        Lux = new double[controlSize * stateSize];
    }

    /// <summary>nt: entries of Lx (the state's tangent size).</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ControlSize { get; }

    /// <summary>Value of the cost at the point.</summary>
    public double L { get; set; }

    /// <summary>dl/dx (nt).</summary>
    public double[] Lx { get; }

    /// <summary>dl/du (m).</summary>
    public double[] Lu { get; }

    /// <summary>d2l/dx2 (nt x nt).</summary>
    public double[] Lxx { get; }

    /// <summary>d2l/du2 (m x m).</summary>
    public double[] Luu { get; }

    /// <summary>d2l/du dx (m x nt).</summary>
    public double[] Lux { get; }
}
