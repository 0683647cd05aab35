using Control.Core.Models;
using Control.Tensors;

namespace Control.Dynamics;

/// <summary>
/// Any <see cref="ICost"/> on the tape: <see cref="Stage"/> and <see cref="Terminal"/> give one cost per row,
/// with backward gx = g Lx, gu = g Lu from <see cref="ICost.StageDerivatives"/> and
/// <see cref="ICost.TerminalDerivatives"/>. First-order only. Holds one derivative buffer, so an instance belongs
/// to one thread. States are Euclidean on the tape: a cost whose <see cref="ICost.StateSpace"/> is another manifold
/// (quaternions) is refused, since its Lx is a tangent vector, not a gradient in coordinates.
/// </summary>
public sealed class DifferentiableCost
{
    private readonly CostDerivatives derivatives;

    /// <summary>Bridges <paramref name="cost"/> onto the tape; throws <see cref="UnsupportedStateSpaceException"/> for non-Euclidean states.</summary>
    public DifferentiableCost(ICost cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        ModelChecks.Euclidean(nameof(DifferentiableCost), cost, cost.StateSpace,
            "Its Lx is a tangent vector, not a gradient in the coordinates the tape differentiates (gradient learners on manifolds are not supported).");
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
