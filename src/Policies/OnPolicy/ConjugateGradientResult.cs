namespace Control.Policies.OnPolicy;

/// <summary>What conjugate gradient returned.</summary>
/// <param name="Solution">x with A x ~ b.</param>
/// <param name="Iterations">Iterations run (each costs one product A p).</param>
/// <param name="ResidualNorm">|b - A x| at the end.</param>
public sealed record ConjugateGradientResult(double[] Solution, int Iterations, double ResidualNorm);
