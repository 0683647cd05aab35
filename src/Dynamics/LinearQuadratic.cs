// The linear-quadratic problem in model form: x' = A x + B u + c with a quadratic cost. It is what LQR solves in
// closed form, so planners that accept any IDynamics + ICost can be checked against LQR on it, and users can
// write a linearized plant directly.
namespace Control.Dynamics;

/// <summary>x' = A x + B u + c (A n x n, B n x m, row-major), controls clipped to <see cref="ControlBounds"/>.</summary>
public sealed class LinearDynamics : ISecondOrderDynamics
{
    private sealed class NoWorkspace : DynamicsWorkspace;

    private static readonly NoWorkspace Shared = new();
    private readonly double[] a, b, c;

    /// <summary>Builds the model; <paramref name="offset"/> c defaults to zero, <paramref name="bounds"/> to unbounded.</summary>
    public LinearDynamics(double[] a, double[] b, int stateSize, double timeStep = 1.0, double[]? offset = null, Box? bounds = null)
    {
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "linear dynamics: expected n >= 1.");
        ModelChecks.Length("linear dynamics", "A (n x n)", stateSize * stateSize, a.Length);
        if (b.Length == 0 || b.Length % stateSize != 0)
            throw new ArgumentException($"linear dynamics: expected B of length n x m with n = {stateSize}, got length {b.Length}.");
        int m = b.Length / stateSize;
        if (offset is not null) ModelChecks.Length("linear dynamics", "c", stateSize, offset.Length);
        if (bounds is not null) ModelChecks.Length("linear dynamics", "control bounds", m, bounds.FlatSize);
        if (!a.All(double.IsFinite) || !b.All(double.IsFinite) || (offset is not null && !offset.All(double.IsFinite)))
            throw new ArgumentException("linear dynamics: A, B and c must be finite.");
        if (!(timeStep > 0)) throw new ArgumentOutOfRangeException(nameof(timeStep), timeStep, "linear dynamics: expected a positive time step.");
        this.a = (double[])a.Clone();
        this.b = (double[])b.Clone();
        c = offset is null ? new double[stateSize] : (double[])offset.Clone();
        StateSize = stateSize;
        ControlSize = m;
        TimeStep = timeStep;
        ControlBounds = bounds ?? Box.Uniform(m, double.NegativeInfinity, double.PositiveInfinity);
    }

    /// <summary>A (n x n).</summary>
    public ReadOnlySpan<double> A => a;

    /// <summary>B (n x m).</summary>
    public ReadOnlySpan<double> B => b;

    /// <summary>c (n).</summary>
    public ReadOnlySpan<double> Offset => c;

    public int StateSize { get; }
    public int ControlSize { get; }
    public double TimeStep { get; }
    public Box ControlBounds { get; }

    public DynamicsWorkspace CreateWorkspace() => Shared;

    public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
    {
        int n = StateSize, m = ControlSize;
        ModelChecks.Length("linear dynamics", "x", n, x.Length);
        ModelChecks.Length("linear dynamics", "u", m, u.Length);
        ModelChecks.Length("linear dynamics", "x'", n, next.Length);
        Span<double> clipped = stackalloc double[m];
        u.CopyTo(clipped);
        ControlBounds.Clip(clipped);
        for (int i = 0; i < n; i++)
        {
            double s = c[i];
            for (int j = 0; j < n; j++) s += a[i * n + j] * x[j];
            for (int j = 0; j < m; j++) s += b[i * m + j] * clipped[j];
            next[i] = s;
        }
    }

    public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        Span<double> next, Span<double> fx, Span<double> fu)
    {
        Step(workspace, x, u, next);
        ModelChecks.Length("linear dynamics", "Fx (n x n)", a.Length, fx.Length);
        ModelChecks.Length("linear dynamics", "Fu (n x m)", b.Length, fu.Length);
        a.CopyTo(fx);
        b.CopyTo(fu);
        for (int j = 0; j < ControlSize; j++)
        {
            if (u[j] < ControlBounds.Low[j] || u[j] > ControlBounds.High[j])
            {
                for (int i = 0; i < StateSize; i++) fu[i * ControlSize + j] = 0;
            }
        }
    }

    /// <summary>Linear dynamics have no curvature: adds nothing.</summary>
    public void AddWeightedHessians(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u,
        ReadOnlySpan<double> weights, Span<double> hxx, Span<double> huu, Span<double> hux) { }
}

/// <summary>
/// l(x, u) = 1/2 x'Qx + 1/2 u'Ru + u'Nx + q'x + r'u and lf(x) = 1/2 x'Qf x + qf'x (all row-major; N is m x n).
/// Q, R, Qf must be symmetric; the linear terms and N default to zero.
/// </summary>
public sealed class QuadraticCost : ICost
{
    private readonly double[] q, r, n, qf, ql, rl, qfl;

    /// <summary>Builds the cost for n states and m controls (sizes taken from Q and R).</summary>
    public QuadraticCost(double[] stateWeight, double[] controlWeight, double[] terminalWeight,
        double[]? cross = null, double[]? stateLinear = null, double[]? controlLinear = null, double[]? terminalLinear = null)
    {
        StateSize = SquareSize("Q", stateWeight);
        ControlSize = SquareSize("R", controlWeight);
        ModelChecks.Length("quadratic cost", "Qf (n x n)", StateSize * StateSize, terminalWeight.Length);
        Symmetric("Q", stateWeight, StateSize);
        Symmetric("R", controlWeight, ControlSize);
        Symmetric("Qf", terminalWeight, StateSize);
        q = (double[])stateWeight.Clone();
        r = (double[])controlWeight.Clone();
        qf = (double[])terminalWeight.Clone();
        n = Optional("N (m x n)", cross, ControlSize * StateSize);
        ql = Optional("q", stateLinear, StateSize);
        rl = Optional("r", controlLinear, ControlSize);
        qfl = Optional("qf", terminalLinear, StateSize);
    }

    public int StateSize { get; }
    public int ControlSize { get; }

    public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        CheckPoint(x, u);
        return 0.5 * Form(q, x, x) + 0.5 * Form(r, u, u) + Form(n, u, x) + Dot(ql, x) + Dot(rl, u);
    }

    public double Terminal(ReadOnlySpan<double> x)
    {
        ModelChecks.Length("quadratic cost", "x", StateSize, x.Length);
        return 0.5 * Form(qf, x, x) + Dot(qfl, x);
    }

    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        CheckPoint(x, u);
        int ns = StateSize, m = ControlSize;
        d.L = Stage(x, u);
        for (int i = 0; i < ns; i++)
        {
            double s = ql[i];
            for (int j = 0; j < ns; j++) s += q[i * ns + j] * x[j];
            for (int j = 0; j < m; j++) s += n[j * ns + i] * u[j];
            d.Lx[i] = s;
        }
        for (int i = 0; i < m; i++)
        {
            double s = rl[i];
            for (int j = 0; j < m; j++) s += r[i * m + j] * u[j];
            for (int j = 0; j < ns; j++) s += n[i * ns + j] * x[j];
            d.Lu[i] = s;
        }
        q.CopyTo(d.Lxx, 0);
        r.CopyTo(d.Luu, 0);
        n.CopyTo(d.Lux, 0);
    }

    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        ModelChecks.Length("quadratic cost", "x", StateSize, x.Length);
        int ns = StateSize;
        d.L = Terminal(x);
        for (int i = 0; i < ns; i++)
        {
            double s = qfl[i];
            for (int j = 0; j < ns; j++) s += qf[i * ns + j] * x[j];
            d.Lx[i] = s;
        }
        qf.CopyTo(d.Lxx, 0);
        Array.Clear(d.Lu);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
    }

    private void CheckPoint(ReadOnlySpan<double> x, ReadOnlySpan<double> u)
    {
        ModelChecks.Length("quadratic cost", "x", StateSize, x.Length);
        ModelChecks.Length("quadratic cost", "u", ControlSize, u.Length);
    }

    private static double Form(double[] matrix, ReadOnlySpan<double> left, ReadOnlySpan<double> right)
    {
        double sum = 0;
        for (int i = 0; i < left.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < right.Length; j++) s += matrix[i * right.Length + j] * right[j];
            sum += left[i] * s;
        }
        return sum;
    }

    private static double Dot(double[] a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static int SquareSize(string name, double[] matrix)
    {
        int size = (int)Math.Round(Math.Sqrt(matrix.Length));
        if (size == 0 || size * size != matrix.Length)
            throw new ArgumentException($"quadratic cost: expected {name} to be a non-empty square matrix, got {matrix.Length} entries.");
        if (!matrix.All(double.IsFinite)) throw new ArgumentException($"quadratic cost: {name} has non-finite entries.");
        return size;
    }

    private static void Symmetric(string name, double[] matrix, int size)
    {
        for (int i = 0; i < size; i++)
        {
            for (int j = 0; j < i; j++)
            {
                double x = matrix[i * size + j], y = matrix[j * size + i];
                if (Math.Abs(x - y) > 1e-12 * (1 + Math.Abs(x) + Math.Abs(y)))
                    throw new ArgumentException($"quadratic cost: expected {name} symmetric, but {name}[{i},{j}] = {x} and {name}[{j},{i}] = {y}.");
            }
        }
    }

    private static double[] Optional(string name, double[]? values, int length)
    {
        if (values is null) return new double[length];
        ModelChecks.Length("quadratic cost", name, length, values.Length);
        if (!values.All(double.IsFinite)) throw new ArgumentException($"quadratic cost: {name} has non-finite entries.");
        return (double[])values.Clone();
    }
}
