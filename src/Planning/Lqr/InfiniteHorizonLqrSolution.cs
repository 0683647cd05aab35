namespace Control.Planning.Lqr;

/// <summary>The stabilizing solution of the DARE and its optimal feedback.</summary>
/// <param name="P">Cost-to-go matrix (n x n): the optimal cost from x is x'Px.</param>
/// <param name="K">Feedback gain (m x n): u = K x, K = -(R + B'PB)^-1 (B'PA + N'); the convention of <see cref="Trajectory"/>.</param>
/// <param name="Iterations">Doubling steps, or Riccati steps when <paramref name="Method"/> is the fallback.</param>
/// <param name="Residual">||DARE(P) - P||_F / max(||P||_F, ||Q||_F): the relative residual.</param>
/// <param name="SpectralRadius">max |lambda| of A + B K (below 1: the closed loop is stable).</param>
/// <param name="Method">The algorithm that produced P.</param>
public sealed record InfiniteHorizonLqrSolution(double[,] P, double[,] K, int Iterations, double Residual, double SpectralRadius, DareMethod Method);
