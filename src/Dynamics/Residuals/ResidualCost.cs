// A cost made of weighted norms of residual slices (MuJoCo MPC's cost form):
//   l(x, u) = sum_i w_i n_i(r_i(x, u)),   lf(x) = sum_i wf_i n_i(r_i(x, 0)),
// with r_i the slice [start_i, start_i + size_i) of one residual vector r. Derivatives are Gauss-Newton in the
// tangent coordinates of the state space: with Rx = dr/dx, Ru = dr/du (closed form when the residual has them,
// otherwise central differences through StateSpace.Integrate), g_i = w_i n_i'(r_i) and H_i = w_i n_i''(r_i) (PSD),
//   Lx = sum Rx_i' g_i,  Lu = sum Ru_i' g_i,  Lxx = sum Rx_i' H_i Rx_i,  Luu = sum Ru_i' H_i Ru_i,  Lux = sum Ru_i' H_i Rx_i.
// The gradients are exact; the Hessians drop the residual's curvature and so are positive semidefinite.
using Control.Core.Models;

namespace Control.Dynamics.Residuals;

/// <summary>
/// An <see cref="ICost"/> over an <see cref="IResidual"/> and weighted <see cref="ResidualTerm"/>s. Immutable and
/// thread-safe; each thread gets its own scratch once, and no call allocates after that.
/// </summary>
public sealed class ResidualCost : ICost
{
    private readonly IResidual residual;
    private readonly IResidualJacobian? closedForm;
    private readonly ResidualTerm[] terms;
    private readonly ResidualCostConfig config;
    private readonly ThreadLocal<ResidualWorkspace> workspaces;

    /// <summary>The cost of <paramref name="terms"/> over <paramref name="residual"/>.</summary>
    /// <exception cref="InvalidResidualTermException">A term is outside the residual, has a negative or non-finite
    /// weight, no norm, or a name that is empty or used twice.</exception>
    public ResidualCost(IResidual residual, IEnumerable<ResidualTerm> terms, ResidualCostConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(residual);
        ArgumentNullException.ThrowIfNull(terms);
        this.config = config ?? new ResidualCostConfig();
        if (!double.IsFinite(this.config.FiniteDifferenceStep) || this.config.FiniteDifferenceStep <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(config), this.config.FiniteDifferenceStep,
                $"{this.config.Name}: expected a finite FiniteDifferenceStep > 0, got {this.config.FiniteDifferenceStep}.");
        }
        if (residual.StateSpace.Size != residual.StateSize)
        {
            throw new ArgumentException(
                $"{this.config.Name}: the residual's state space has {residual.StateSpace.Size} coordinates but its StateSize is {residual.StateSize}.");
        }
        this.residual = residual;
        closedForm = residual as IResidualJacobian;
        this.terms = [.. terms];
        CheckTerms();
        int largest = this.terms.Max(t => t.Size);
        int n = residual.StateSize, nt = residual.StateSpace.TangentSize, m = residual.ControlSize, k = residual.Size;
        workspaces = new ThreadLocal<ResidualWorkspace>(() => new ResidualWorkspace(k, n, nt, m, largest));
    }

    /// <summary>The residual the terms read.</summary>
    public IResidual Residual => residual;

    /// <summary>The terms, in the order given.</summary>
    public IReadOnlyList<ResidualTerm> Terms => terms;

    /// <inheritdoc />
    public int StateSize => residual.StateSize;

    /// <inheritdoc />
    public int ControlSize => residual.ControlSize;

    /// <inheritdoc />
    public IStateSpace StateSpace => residual.StateSpace;

    /// <inheritdoc />
    public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        CheckPoint(x, u);
        ResidualWorkspace w = workspaces.Value!;
        residual.Evaluate(x, u, w.R);
        return Sum(w.R, terminal: false);
    }

    /// <inheritdoc />
    public double Terminal(ReadOnlySpan<double> x)
    {
        ModelChecks.Length(config.Name, "x", StateSize, x.Length);
        ResidualWorkspace w = workspaces.Value!;
        residual.Evaluate(x, w.ZeroControl, w.R);
        return Sum(w.R, terminal: true);
    }

    /// <inheritdoc />
    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        CheckPoint(x, u);
        Derivatives(x, u, d, terminal: false);
    }

    /// <inheritdoc />
    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        ModelChecks.Length(config.Name, "x", StateSize, x.Length);
        Derivatives(x, workspaces.Value!.ZeroControl, d, terminal: true);
    }

    private void Derivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d, bool terminal)
    {
        ArgumentNullException.ThrowIfNull(d);
        int nt = StateSpace.TangentSize, m = ControlSize;
        ModelChecks.Length(config.Name, "CostDerivatives state size (the tangent size)", nt, d.StateSize);
        ModelChecks.Length(config.Name, "CostDerivatives control size", m, d.ControlSize);
        ResidualWorkspace w = workspaces.Value!;
        residual.Evaluate(x, u, w.R);
        d.L = Sum(w.R, terminal);
        Jacobians(x, u, w, terminal);
        Array.Clear(d.Lx);
        Array.Clear(d.Lu);
        Array.Clear(d.Lxx);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
        foreach (ResidualTerm term in terms)
        {
            double weight = terminal ? term.TerminalWeight : term.Weight;
            if (weight == 0) continue;
            CheckJacobianRows(term, w, terminal);
            AccumulateGaussNewton(term, weight, w, d, terminal);
        }
    }

    // ---- Gauss-Newton: Lx += Rx_s' g, Lxx += Rx_s' H Rx_s, and the control blocks likewise.
    private void AccumulateGaussNewton(ResidualTerm term, double weight, ResidualWorkspace w, CostDerivatives d, bool terminal)
    {
        int nt = StateSpace.TangentSize, m = ControlSize, k = term.Size;
        ReadOnlySpan<double> r = w.R.AsSpan(term.Start, k);
        ReadOnlySpan<double> rx = w.Rx.AsSpan(term.Start * nt, k * nt);
        Span<double> g = w.Gradient.AsSpan(0, k), h = w.Hessian.AsSpan(0, k * k);
        term.Norm.Gradient(r, g);
        term.Norm.Hessian(r, h);
        for (int a = 0; a < k; a++) g[a] *= weight;
        for (int a = 0; a < k * k; a++) h[a] *= weight;

        Span<double> hrx = w.HessianRx.AsSpan(0, k * nt);
        Multiply(h, rx, k, nt, hrx);
        AddTransposeTimesVector(rx, g, k, nt, d.Lx);
        AddTransposeTimesMatrix(rx, hrx, k, nt, nt, d.Lxx);
        if (terminal) return;

        ReadOnlySpan<double> ru = w.Ru.AsSpan(term.Start * m, k * m);
        Span<double> hru = w.HessianRu.AsSpan(0, k * m);
        Multiply(h, ru, k, m, hru);
        AddTransposeTimesVector(ru, g, k, m, d.Lu);
        AddTransposeTimesMatrix(ru, hru, k, m, m, d.Luu);
        AddTransposeTimesMatrix(ru, hrx, k, m, nt, d.Lux);
    }

    // ---- Residual Jacobians: closed form when offered, else central differences in tangent coordinates.
    private void Jacobians(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ResidualWorkspace w, bool terminal)
    {
        if (closedForm is not null && closedForm.TryJacobians(x, u, w.Rx, w.Ru)) return;
        int k = residual.Size, nt = StateSpace.TangentSize, m = ControlSize;
        double step = config.FiniteDifferenceStep;
        Array.Clear(w.Step);
        for (int j = 0; j < nt; j++)
        {
            w.Step[j] = step;
            StateSpace.Integrate(x, w.Step, w.MovedState);
            residual.Evaluate(w.MovedState, u, w.RPlus);
            w.Step[j] = -step;
            StateSpace.Integrate(x, w.Step, w.MovedState);
            residual.Evaluate(w.MovedState, u, w.RMinus);
            w.Step[j] = 0;
            for (int a = 0; a < k; a++) w.Rx[a * nt + j] = (w.RPlus[a] - w.RMinus[a]) / (2 * step);
        }
        if (terminal) return;
        u.CopyTo(w.MovedControl);
        for (int j = 0; j < m; j++)
        {
            w.MovedControl[j] = u[j] + step;
            residual.Evaluate(x, w.MovedControl, w.RPlus);
            w.MovedControl[j] = u[j] - step;
            residual.Evaluate(x, w.MovedControl, w.RMinus);
            w.MovedControl[j] = u[j];
            for (int a = 0; a < k; a++) w.Ru[a * m + j] = (w.RPlus[a] - w.RMinus[a]) / (2 * step);
        }
    }

    // ---- Values and checks.
    private double Sum(ReadOnlySpan<double> r, bool terminal)
    {
        double total = 0;
        foreach (ResidualTerm term in terms)
        {
            double weight = terminal ? term.TerminalWeight : term.Weight;
            if (weight == 0) continue;
            ReadOnlySpan<double> slice = r.Slice(term.Start, term.Size);
            for (int a = 0; a < slice.Length; a++)
            {
                if (!double.IsFinite(slice[a]))
                    throw new NonFiniteResidualException(config.Name, term.Name, "residual entry", term.Start + a, slice[a]);
            }
            total += weight * term.Norm.Value(slice);
        }
        return total;
    }

    private void CheckJacobianRows(ResidualTerm term, ResidualWorkspace w, bool terminal)
    {
        int nt = StateSpace.TangentSize, m = ControlSize;
        for (int a = term.Start; a < term.Start + term.Size; a++)
        {
            for (int j = 0; j < nt; j++)
            {
                if (!double.IsFinite(w.Rx[a * nt + j]))
                    throw new NonFiniteResidualException(config.Name, term.Name, "state Jacobian row", a, w.Rx[a * nt + j]);
            }
            if (terminal) continue;
            for (int j = 0; j < m; j++)
            {
                if (!double.IsFinite(w.Ru[a * m + j]))
                    throw new NonFiniteResidualException(config.Name, term.Name, "control Jacobian row", a, w.Ru[a * m + j]);
            }
        }
    }

    private void CheckPoint(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        ModelChecks.Length(config.Name, "x", StateSize, x.Length);
        ModelChecks.Length(config.Name, "u", ControlSize, u.Length);
    }

    private void CheckTerms()
    {
        if (terms.Length == 0) throw new ArgumentException($"{config.Name}: expected at least one term, got none.");
        var names = new HashSet<string>();
        foreach (ResidualTerm? term in terms)
        {
            if (term is null) throw new ArgumentException($"{config.Name}: a term is null.");
            string name = term.Name ?? "";
            string at = $"{config.Name}: term '{name}'";
            if (name.Length == 0) throw new InvalidResidualTermException(name, $"{config.Name}: expected every term to have a name, got an empty one.");
            if (!names.Add(name)) throw new InvalidResidualTermException(name, $"{at} appears twice; expected unique names.");
            if (term.Norm is null) throw new InvalidResidualTermException(name, $"{at} has no norm.");
            if (term.Size < 1 || term.Start < 0 || term.Start + term.Size > residual.Size)
            {
                throw new InvalidResidualTermException(name,
                    $"{at}: expected a slice of at least one entry inside the residual's {residual.Size}, got start {term.Start}, size {term.Size}.");
            }
            if (!double.IsFinite(term.Weight) || term.Weight < 0)
                throw new InvalidResidualTermException(name, $"{at}: expected a finite weight >= 0, got {term.Weight}.");
            if (!double.IsFinite(term.TerminalWeight) || term.TerminalWeight < 0)
                throw new InvalidResidualTermException(name, $"{at}: expected a finite terminal weight >= 0, got {term.TerminalWeight}.");
        }
    }

    // ---- Small dense products (row-major).
    // c (k x p) = a (k x k) b (k x p).
    private static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int k, int p, Span<double> c)
    {
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < p; j++)
            {
                double s = 0;
                for (int l = 0; l < k; l++) s += a[i * k + l] * b[l * p + j];
                c[i * p + j] = s;
            }
        }
    }

    // y (p) += a' v, a k x p.
    private static void AddTransposeTimesVector(ReadOnlySpan<double> a, ReadOnlySpan<double> v, int k, int p, Span<double> y)
    {
        for (int l = 0; l < k; l++)
        {
            double vl = v[l];
            if (vl == 0) continue;
            for (int j = 0; j < p; j++) y[j] += a[l * p + j] * vl;
        }
    }

    // c (p x q) += a' b, a k x p, b k x q.
    private static void AddTransposeTimesMatrix(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int k, int p, int q, Span<double> c)
    {
        for (int l = 0; l < k; l++)
        {
            for (int i = 0; i < p; i++)
            {
                double ai = a[l * p + i];
                if (ai == 0) continue;
                for (int j = 0; j < q; j++) c[i * q + j] += ai * b[l * q + j];
            }
        }
    }
}
