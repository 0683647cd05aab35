namespace Control.Planning.Tabular;

/// <summary>One dimension of the state grid.</summary>
/// <param name="Low">Lowest coordinate (first vertex).</param>
/// <param name="High">Highest coordinate: the last vertex, or for a periodic axis the point that wraps onto Low.</param>
/// <param name="Count">Number of vertices along the axis, at least 2.</param>
/// <param name="Periodic">Whether the coordinate is an angle that wraps with period High - Low. Default false.</param>
public sealed record GridAxis(double Low, double High, int Count, bool Periodic = false)
{
    /// <summary>Distance between neighbouring vertices.</summary>
    public double Spacing => (High - Low) / (Periodic ? Count : Count - 1);
}
