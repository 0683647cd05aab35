using Control.Core.Models;

namespace Control.Dynamics.Analytic;

/// <summary>
/// Cost terms that also write their derivatives in closed form: a few multiply-adds where second-order duals over
/// eight inputs cost microseconds, which matters when iLQR needs them at every step of every iteration.
/// <see cref="AnalyticCost{TTerms}"/> uses them; tests hold them to the duals' exact values.
/// </summary>
public interface IClosedFormCostTerms : ICostTerms
{
    /// <summary>Adds the value and derivatives of l(x, u) into zeroed buffers.</summary>
    void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d);

    /// <summary>Adds the value, Lx and Lxx of lf(x) into zeroed buffers.</summary>
    void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d);
}
