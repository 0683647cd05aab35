// The cost contract for trajectory optimization: stage cost l(x, u), terminal cost lf(x), and their first
// and second derivatives with names that match the math (Lx, Lu, Lxx, Luu, Lux).
namespace Control.Core.Models;

/// <summary>
/// A cost to minimize over a trajectory: sum of stage costs l(x_t, u_t) for t &lt; T, plus lf(x_T).
/// Implementations are immutable and thread-safe. Derivatives with respect to x are taken in the tangent
/// coordinates of <see cref="StateSpace"/> (Lx has its TangentSize entries), as the dynamics' Jacobians are.
/// </summary>
public interface ICost
{
    /// <summary>n.</summary>
    int StateSize { get; }

    /// <summary>m.</summary>
    int ControlSize { get; }

    /// <summary>The manifold of the state (Euclidean R^n unless the cost says otherwise); must match the dynamics'.</summary>
    IStateSpace StateSpace => new EuclideanStateSpace(StateSize);

    /// <summary>l(x, u).</summary>
    double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u);

    /// <summary>lf(x).</summary>
    double Terminal(ReadOnlySpan<double> x);

    /// <summary>Fills value, Lx, Lu, Lxx, Luu, Lux of the stage cost at (x, u).</summary>
    void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d);

    /// <summary>Fills value, Lx, Lxx of the terminal cost at x (Lu, Luu, Lux are zeroed).</summary>
    void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d);
}
