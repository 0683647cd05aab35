// Residuals in the style of MuJoCo MPC: a task is a vector r(x, u) whose entries should be zero, and a cost is a
// weighted sum of norms of slices of it. The residual carries no weights; ResidualCost adds them.
using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>
/// A residual vector r(x, u) of <see cref="Size"/> entries on states of <see cref="StateSpace"/> and controls of
/// <see cref="ControlSize"/>. Implementations are immutable and <see cref="Evaluate"/> is thread-safe.
/// </summary>
public interface IResidual
{
    /// <summary>Entries of r (k).</summary>
    int Size { get; }

    /// <summary>Coordinates of x (n).</summary>
    int StateSize { get; }

    /// <summary>Entries of u (m).</summary>
    int ControlSize { get; }

    /// <summary>The manifold of x; Jacobians with respect to x are taken in its tangent coordinates.</summary>
    IStateSpace StateSpace { get; }

    /// <summary>Writes r(x, u) into <paramref name="r"/> (length <see cref="Size"/>).</summary>
    void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r);
}
