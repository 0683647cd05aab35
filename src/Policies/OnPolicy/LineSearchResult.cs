namespace Control.Policies.OnPolicy;

/// <summary>What the backtracking line search did.</summary>
/// <param name="Accepted">Whether a step satisfied both conditions.</param>
/// <param name="Backtracks">j of the accepted step alpha^j (or the number of steps tried when none was accepted).</param>
/// <param name="Parameters">The accepted parameters, or the start when none was accepted.</param>
/// <param name="Surrogate">The surrogate at <paramref name="Parameters"/>.</param>
/// <param name="Kl">The mean KL at <paramref name="Parameters"/> (0 at the start).</param>
public sealed record LineSearchResult(bool Accepted, int Backtracks, double[] Parameters, double Surrogate, double Kl);
