// Costs written once as generic formulas and differentiated exactly to second order with Dual2, giving the
// Lx, Lu, Lxx, Luu, Lux that iLQR needs from the same code that evaluates l(x, u).
using System.Runtime.InteropServices;
using Control.Core.Models;

namespace Control.Dynamics.Analytic;

/// <summary>
/// An <see cref="ICost"/> over generic cost terms, with exact gradients and Hessians: in closed form when the
/// terms give them (<see cref="IClosedFormCostTerms"/>), otherwise by second-order duals.
/// </summary>
public sealed class AnalyticCost<TTerms> : ICost where TTerms : struct, ICostTerms
{
    private readonly TTerms terms;
    private readonly IClosedFormCostTerms? closedForm;

    /// <summary>Wraps <paramref name="terms"/>; n + m must not exceed <see cref="Scalar.MaxInputs"/>.</summary>
    public AnalyticCost(TTerms terms)
    {
        if (terms.StateSize + terms.ControlSize > Scalar.MaxInputs)
        {
            throw new ArgumentException(
                $"{terms.Name}: analytic costs differentiate at most {Scalar.MaxInputs} inputs, got n + m = {terms.StateSize + terms.ControlSize}.");
        }
        this.terms = terms;
        closedForm = terms as IClosedFormCostTerms;
    }

    /// <summary>The cost terms (with their weights).</summary>
    public TTerms Terms => terms;

    public int StateSize => terms.StateSize;
    public int ControlSize => terms.ControlSize;

    public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        ModelChecks.Length(terms.Name, "u", ControlSize, u.Length);
        return terms.Stage(MemoryMarshal.Cast<double, Real>(x), MemoryMarshal.Cast<double, Real>(u)).Value;
    }

    public double Terminal(ReadOnlySpan<double> x)
    {
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        return terms.Terminal(MemoryMarshal.Cast<double, Real>(x)).Value;
    }

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        if (closedForm is null)
        {
            DualStageDerivatives(x, u, d);
            return;
        }
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        ModelChecks.Length(terms.Name, "u", ControlSize, u.Length);
        CheckBuffers(d);
        Clear(d);
        closedForm.StageDerivatives(x, u, d);
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        if (closedForm is null)
        {
            DualTerminalDerivatives(x, d);
            return;
        }
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        CheckBuffers(d);
        Clear(d);
        closedForm.TerminalDerivatives(x, d);
    }

    /// <summary>The stage derivatives by second-order duals, whatever the terms offer (the reference for closed forms).</summary>
    public void DualStageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        ModelChecks.Length(terms.Name, "u", ControlSize, u.Length);
        CheckBuffers(d);
        int n = StateSize, m = ControlSize;
        Span<Dual2> xd = stackalloc Dual2[n];
        Span<Dual2> ud = stackalloc Dual2[m];
        for (int i = 0; i < n; i++) xd[i] = Dual2.Variable(x[i], i);
        for (int j = 0; j < m; j++) ud[j] = Dual2.Variable(u[j], n + j);
        Dual2 l = terms.Stage<Dual2>(xd, ud);
        d.L = l.Value;
        for (int i = 0; i < n; i++)
        {
            d.Lx[i] = l.Derivative(i);
            for (int j = 0; j < n; j++) d.Lxx[i * n + j] = l.SecondDerivative(i, j);
        }
        for (int i = 0; i < m; i++)
        {
            d.Lu[i] = l.Derivative(n + i);
            for (int j = 0; j < m; j++) d.Luu[i * m + j] = l.SecondDerivative(n + i, n + j);
            for (int j = 0; j < n; j++) d.Lux[i * n + j] = l.SecondDerivative(n + i, j);
        }
    }

    /// <summary>The terminal derivatives by second-order duals (the reference for closed forms).</summary>
    public void DualTerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        ModelChecks.Length(terms.Name, "x", StateSize, x.Length);
        CheckBuffers(d);
        int n = StateSize;
        Span<Dual2> xd = stackalloc Dual2[n];
        for (int i = 0; i < n; i++) xd[i] = Dual2.Variable(x[i], i);
        Dual2 l = terms.Terminal<Dual2>(xd);
        d.L = l.Value;
        for (int i = 0; i < n; i++)
        {
            d.Lx[i] = l.Derivative(i);
            for (int j = 0; j < n; j++) d.Lxx[i * n + j] = l.SecondDerivative(i, j);
        }
        Array.Clear(d.Lu);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
    }

    private static void Clear(CostDerivatives d)
    {
        d.L = 0;
        Array.Clear(d.Lx);
        Array.Clear(d.Lu);
        Array.Clear(d.Lxx);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
    }

    private void CheckBuffers(CostDerivatives d)
    {
        if (d.StateSize != StateSize || d.ControlSize != ControlSize)
        {
            throw new ArgumentException(
                $"{terms.Name}: expected CostDerivatives for n={StateSize}, m={ControlSize}, got n={d.StateSize}, m={d.ControlSize}.");
        }
    }
}
