// The cost contract for trajectory optimization: stage cost l(x, u), terminal cost lf(x), and their first
// and second derivatives with names that match the math (Lx, Lu, Lxx, Luu, Lux).
namespace Control.Dynamics;

/// <summary>
/// Derivatives of a cost at one point, preallocated for reuse. Row-major: <c>Lxx</c> n x n, <c>Luu</c> m x m,
/// <c>Lux[i * n + j] = d2 l / (d u_i d x_j)</c> (m x n). A terminal cost fills only <c>Lx</c> and <c>Lxx</c>.
/// </summary>
public sealed class CostDerivatives
{
    /// <summary>Buffers for a cost on n states and m controls.</summary>
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

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ControlSize { get; }

    /// <summary>Value of the cost at the point.</summary>
    public double L { get; set; }

    /// <summary>dl/dx (n).</summary>
    public double[] Lx { get; }

    /// <summary>dl/du (m).</summary>
    public double[] Lu { get; }

    /// <summary>d2l/dx2 (n x n).</summary>
    public double[] Lxx { get; }

    /// <summary>d2l/du2 (m x m).</summary>
    public double[] Luu { get; }

    /// <summary>d2l/du dx (m x n).</summary>
    public double[] Lux { get; }
}

/// <summary>
/// A cost to minimize over a trajectory: sum of stage costs l(x_t, u_t) for t &lt; T, plus lf(x_T).
/// Implementations are immutable and thread-safe.
/// </summary>
public interface ICost
{
    /// <summary>n.</summary>
    int StateSize { get; }

    /// <summary>m.</summary>
    int ControlSize { get; }

    /// <summary>l(x, u).</summary>
    double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u);

    /// <summary>lf(x).</summary>
    double Terminal(ReadOnlySpan<double> x);

    /// <summary>Fills value, Lx, Lu, Lxx, Luu, Lux of the stage cost at (x, u).</summary>
    void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d);

    /// <summary>Fills value, Lx, Lxx of the terminal cost at x (Lu, Luu, Lux are zeroed).</summary>
    void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d);
}
