namespace Control.Dynamics.Residuals;

/// <summary>
/// One term of a <see cref="ResidualCost"/>: <c>Weight * Norm(r[Start .. Start + Size))</c> in the stage cost and
/// <c>TerminalWeight * Norm(...)</c> in the terminal cost, where the residual is evaluated at u = 0. A control
/// term has TerminalWeight 0.
/// </summary>
/// <param name="Name">Unique name, used in messages.</param>
/// <param name="Start">First residual entry of the slice.</param>
/// <param name="Size">Entries in the slice (at least 1).</param>
/// <param name="Norm">The norm applied to the slice.</param>
/// <param name="Weight">Stage weight (finite, &gt;= 0).</param>
/// <param name="TerminalWeight">Terminal weight (finite, &gt;= 0).</param>
public sealed record ResidualTerm(string Name, int Start, int Size, ResidualNorm Norm, double Weight, double TerminalWeight);
