namespace Control.Planning.Lqr;

/// <summary>A malformed LQR input; <see cref="Matrix"/> names the offending matrix (A, B, Q, R, N, Qf, ...).</summary>
public sealed class LqrInputException(string matrix, string message) : ArgumentException(message)
{
    /// <summary>Name of the matrix that failed its check.</summary>
    public string Matrix { get; } = matrix;
}
