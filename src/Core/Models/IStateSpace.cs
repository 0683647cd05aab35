// The manifold a model's state lives on. Most robots have Euclidean states; a free or ball joint carries a unit
// quaternion, so its coordinates (4 numbers) are not its tangent (3 numbers). Planners linearize, take
// differences and apply feedback in tangent coordinates, and move on the manifold with Integrate.
namespace Control.Core.Models;

/// <summary>
/// A state manifold with coordinates of size <see cref="Size"/> and tangent spaces of size
/// <see cref="TangentSize"/>. Laws: <c>Difference(x, Integrate(x, dx)) == dx</c> for small dx, and
/// <c>Integrate(x0, Difference(x0, x1)) == x1</c>.
/// </summary>
public interface IStateSpace
{
    /// <summary>Coordinates per state (n).</summary>
    int Size { get; }

    /// <summary>Dimension of the tangent space (nt &lt;= n): the size of Jacobians, cost derivatives and feedback gains.</summary>
    int TangentSize { get; }

    /// <summary>Writes x ⊕ dx: the state reached from <paramref name="x"/> along the tangent vector <paramref name="dx"/>.</summary>
    void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result);

    /// <summary>Writes x1 ⊖ x0: the tangent vector at <paramref name="x0"/> that leads to <paramref name="x1"/>.</summary>
    void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx);
}

/// <summary>R^n: Integrate adds, Difference subtracts, the tangent is the space itself.</summary>
public sealed class EuclideanStateSpace : IStateSpace
{
    /// <summary>R^<paramref name="size"/>.</summary>
    public EuclideanStateSpace(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
    }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int TangentSize => Size;

    /// <inheritdoc />
    public void Integrate(ReadOnlySpan<double> x, ReadOnlySpan<double> dx, Span<double> result)
    {
        for (int i = 0; i < Size; i++) result[i] = x[i] + dx[i];
    }

    /// <inheritdoc />
    public void Difference(ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, Span<double> dx)
    {
        for (int i = 0; i < Size; i++) dx[i] = x1[i] - x0[i];
    }
}
