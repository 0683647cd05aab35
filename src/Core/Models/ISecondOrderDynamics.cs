namespace Control.Core.Models;

/// <summary>
/// Dynamics that also give second derivatives, contracted with a weight vector as DDP needs them:
/// sum_i w_i d2 f_i / dx2, sum_i w_i d2 f_i / du2 and sum_i w_i d2 f_i / du dx. Coordinates are Euclidean: DDP refuses a
/// model whose <see cref="IDynamics.StateSpace"/> is another manifold (its second-order terms would need the
/// manifold's own curvature).
/// </summary>
public interface ISecondOrderDynamics : IDynamics
{
    /// <summary>
    /// Adds sum_i w_i d2 f_i(x, u) to <paramref name="hxx"/> (n x n), <paramref name="huu"/> (m x m) and
    /// <paramref name="hux"/> (m x n, entry [i * n + j] = d2 / du_i dx_j), with <paramref name="weights"/> of length n.
    /// </summary>
    void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux);
}
