// Models and costs on the autodiff tape, for methods that backpropagate through a rollout (gradient shooting,
// SVG). IDifferentiableDynamics is the contract of models that are natively tensor graphs (learned models);
// DifferentiableDynamics and DifferentiableCost bridge ANY IDynamics and ICost onto the tape as custom ops whose
// forward runs the model row by row and whose backward is the vector-Jacobian product of its derivatives:
//   x' = f(x, u):   gx = Fx' g,  gu = Fu' g        (IDynamics.Linearize)
//   c = l(x, u):    gx = g Lx,   gu = g Lu         (ICost.StageDerivatives; lf and Lx for the terminal cost)
// Everything is float64 and batched: row b of x (B x n) and u (B x m) is one (state, control) pair.
using Control.Tensors;

namespace Control.Dynamics;

/// <summary>
/// Dynamics x' = f(x, u) that runs on the autodiff tape: gradients flow from the next states back to the states
/// and controls through <see cref="Tensor.Backward"/>. Learned models implement it directly; any
/// <see cref="IDynamics"/> gets it through <see cref="DifferentiableDynamics"/>.
/// </summary>
public interface IDifferentiableDynamics
{
    /// <summary>State dimension n.</summary>
    int StateSize { get; }

    /// <summary>Control dimension m.</summary>
    int ControlSize { get; }

    /// <summary>Next states (B, n) of the float64 states <paramref name="x"/> (B, n) under the controls <paramref name="u"/> (B, m), recorded for backward.</summary>
    Tensor Step(Tensor x, Tensor u);
}

/// <summary>Shape checks of the tensors given to differentiable models and costs.</summary>
public static class DifferentiableChecks
{
    /// <summary>Throws <see cref="TensorException"/> unless <paramref name="t"/> is float64 of shape (<paramref name="rows"/>, <paramref name="columns"/>); rows &lt; 0 accepts any batch.</summary>
    public static void Matrix(string model, string what, Tensor t, int rows, int columns)
    {
        ArgumentNullException.ThrowIfNull(t, what);
        string expected = rows < 0 ? $"(B, {columns})" : $"({rows}, {columns})";
        if (t.DType != DType.Float64 || t.Rank != 2 || t.Dim(1) != columns || (rows >= 0 && t.Dim(0) != rows))
            throw new TensorException($"{model}: expected {what} as float64 {expected}, got {t.Describe()}.");
    }
}

/// <summary>
/// Any <see cref="IDynamics"/> as an <see cref="IDifferentiableDynamics"/>: forward calls
/// <see cref="IDynamics.Step"/> per row, backward calls <see cref="IDynamics.Linearize"/> at the same (x, u) and
/// returns gx = Fx' g, gu = Fu' g. First-order only (asking for second derivatives throws). Holds one workspace of
/// the model and the Jacobian buffers, so an instance belongs to one thread.
/// </summary>
public sealed class DifferentiableDynamics : IDifferentiableDynamics
{
    private readonly DynamicsWorkspace workspace;
    private readonly double[] next;
    private readonly double[] fx;
    private readonly double[] fu;

    /// <summary>Bridges <paramref name="model"/> onto the tape.</summary>
    public DifferentiableDynamics(IDynamics model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        int n = model.StateSize, m = model.ControlSize;
        workspace = model.CreateWorkspace();
        next = new double[n];
        fx = new double[n * n];
        fu = new double[n * m];
    }

    /// <summary>The bridged model.</summary>
    public IDynamics Model { get; }

    /// <inheritdoc />
    public int StateSize => Model.StateSize;

    /// <inheritdoc />
    public int ControlSize => Model.ControlSize;

    /// <inheritdoc />
    public Tensor Step(Tensor x, Tensor u)
    {
        int n = StateSize, m = ControlSize;
        DifferentiableChecks.Matrix("DifferentiableDynamics.Step", "x", x, -1, n);
        DifferentiableChecks.Matrix("DifferentiableDynamics.Step", "u", u, x.Dim(0), m);
        int batch = x.Dim(0);
        Tensor y = Tensor.Zeros(DType.Float64, batch, n);
        ReadOnlySpan<double> xs = x.Span<double>(), us = u.Span<double>();
        Span<double> ys = y.Span<double>();
        for (int b = 0; b < batch; b++) Model.Step(workspace, xs.Slice(b * n, n), us.Slice(b * m, m), ys.Slice(b * n, n));
        return Autograd.Function(y, "dynamics", [x, u], g => Backward(g, x, u));
    }

    private Tensor?[] Backward(Tensor g, Tensor x, Tensor u)
    {
        if (Autograd.IsEnabled)
            throw new TensorException("DifferentiableDynamics: the bridge gives first derivatives only; second derivatives (createGraph) need a model that is a tensor graph.");
        int n = StateSize, m = ControlSize, batch = x.Dim(0);
        Tensor? gx = x.RequiresGrad ? Tensor.Zeros(DType.Float64, batch, n) : null;
        Tensor? gu = u.RequiresGrad ? Tensor.Zeros(DType.Float64, batch, m) : null;
        ReadOnlySpan<double> xs = x.Span<double>(), us = u.Span<double>(), gs = g.Span<double>();
        for (int b = 0; b < batch; b++)
        {
            Model.Linearize(workspace, xs.Slice(b * n, n), us.Slice(b * m, m), next, fx, fu);
            ReadOnlySpan<double> gb = gs.Slice(b * n, n);
            if (gx is not null) TransposeTimes(fx, n, n, gb, gx.Span<double>().Slice(b * n, n));
            if (gu is not null) TransposeTimes(fu, n, m, gb, gu.Span<double>().Slice(b * m, m));
        }
        return [gx, gu];
    }

    // result = J' g for J (rows x columns, row-major), result of length columns.
    private static void TransposeTimes(ReadOnlySpan<double> j, int rows, int columns, ReadOnlySpan<double> g, Span<double> result)
    {
        for (int i = 0; i < rows; i++)
        {
            double gi = g[i];
            ReadOnlySpan<double> row = j.Slice(i * columns, columns);
            for (int k = 0; k < columns; k++) result[k] += row[k] * gi;
        }
    }
}

/// <summary>
/// Any <see cref="ICost"/> on the tape: <see cref="Stage"/> and <see cref="Terminal"/> give one cost per row,
/// with backward gx = g Lx, gu = g Lu from <see cref="ICost.StageDerivatives"/> and
/// <see cref="ICost.TerminalDerivatives"/>. First-order only. Holds one derivative buffer, so an instance belongs
/// to one thread.
/// </summary>
public sealed class DifferentiableCost
{
    private readonly CostDerivatives derivatives;

    /// <summary>Bridges <paramref name="cost"/> onto the tape.</summary>
    public DifferentiableCost(ICost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        Cost = cost;
        derivatives = new CostDerivatives(cost.StateSize, cost.ControlSize);
    }

    /// <summary>The bridged cost.</summary>
    public ICost Cost { get; }

    /// <summary>n.</summary>
    public int StateSize => Cost.StateSize;

    /// <summary>m.</summary>
    public int ControlSize => Cost.ControlSize;

    /// <summary>Stage costs l(x_b, u_b), shape (B,), of float64 states (B, n) and controls (B, m).</summary>
    public Tensor Stage(Tensor x, Tensor u)
    {
        int n = StateSize, m = ControlSize;
        DifferentiableChecks.Matrix("DifferentiableCost.Stage", "x", x, -1, n);
        DifferentiableChecks.Matrix("DifferentiableCost.Stage", "u", u, x.Dim(0), m);
        int batch = x.Dim(0);
        Tensor y = Tensor.Zeros(DType.Float64, batch);
        ReadOnlySpan<double> xs = x.Span<double>(), us = u.Span<double>();
        Span<double> ys = y.Span<double>();
        for (int b = 0; b < batch; b++) ys[b] = Cost.Stage(xs.Slice(b * n, n), us.Slice(b * m, m));
        return Autograd.Function(y, "stage_cost", [x, u], g => StageBackward(g, x, u));
    }

    /// <summary>Terminal costs lf(x_b), shape (B,), of float64 states (B, n).</summary>
    public Tensor Terminal(Tensor x)
    {
        int n = StateSize;
        DifferentiableChecks.Matrix("DifferentiableCost.Terminal", "x", x, -1, n);
        int batch = x.Dim(0);
        Tensor y = Tensor.Zeros(DType.Float64, batch);
        ReadOnlySpan<double> xs = x.Span<double>();
        Span<double> ys = y.Span<double>();
        for (int b = 0; b < batch; b++) ys[b] = Cost.Terminal(xs.Slice(b * n, n));
        return Autograd.Function(y, "terminal_cost", [x], g => TerminalBackward(g, x));
    }

    private Tensor?[] StageBackward(Tensor g, Tensor x, Tensor u)
    {
        CheckFirstOrder();
        int n = StateSize, m = ControlSize, batch = x.Dim(0);
        Tensor? gx = x.RequiresGrad ? Tensor.Zeros(DType.Float64, batch, n) : null;
        Tensor? gu = u.RequiresGrad ? Tensor.Zeros(DType.Float64, batch, m) : null;
        ReadOnlySpan<double> xs = x.Span<double>(), us = u.Span<double>(), gs = g.Span<double>();
        for (int b = 0; b < batch; b++)
        {
            Cost.StageDerivatives(xs.Slice(b * n, n), us.Slice(b * m, m), derivatives);
            if (gx is not null) Scale(derivatives.Lx, gs[b], gx.Span<double>().Slice(b * n, n));
            if (gu is not null) Scale(derivatives.Lu, gs[b], gu.Span<double>().Slice(b * m, m));
        }
        return [gx, gu];
    }

    private Tensor?[] TerminalBackward(Tensor g, Tensor x)
    {
        CheckFirstOrder();
        int n = StateSize, batch = x.Dim(0);
        Tensor gx = Tensor.Zeros(DType.Float64, batch, n);
        ReadOnlySpan<double> xs = x.Span<double>(), gs = g.Span<double>();
        for (int b = 0; b < batch; b++)
        {
            Cost.TerminalDerivatives(xs.Slice(b * n, n), derivatives);
            Scale(derivatives.Lx, gs[b], gx.Span<double>().Slice(b * n, n));
        }
        return [gx];
    }

    private static void CheckFirstOrder()
    {
        if (Autograd.IsEnabled)
            throw new TensorException("DifferentiableCost: the bridge gives first derivatives only; second derivatives (createGraph) need a cost written with tensor ops.");
    }

    private static void Scale(ReadOnlySpan<double> source, double factor, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = source[i] * factor;
    }
}
