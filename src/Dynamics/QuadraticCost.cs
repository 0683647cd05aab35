using Control.Core.Models;

namespace Control.Dynamics;

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
