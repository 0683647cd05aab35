using Control.Core.Models;
using Control.Tensors;

namespace Control.Dynamics;

/// <summary>
/// Any <see cref="IDynamics"/> as an <see cref="IDifferentiableDynamics"/>: forward calls
/// <see cref="IDynamics.Step"/> per row, backward calls <see cref="IDynamics.Linearize"/> at the same (x, u) and
/// returns gx = Fx' g, gu = Fu' g. First-order only (asking for second derivatives throws). Holds one workspace of
/// the model and the Jacobian buffers, so an instance belongs to one thread. States are Euclidean on the tape: a model
/// whose <see cref="IDynamics.StateSpace"/> is another manifold (quaternions) is refused.
/// </summary>
public sealed class DifferentiableDynamics : IDifferentiableDynamics
{
    private readonly DynamicsWorkspace workspace;
    private readonly double[] next;
    private readonly double[] fx;
    private readonly double[] fu;

    /// <summary>Bridges <paramref name="model"/> onto the tape; throws <see cref="UnsupportedStateSpaceException"/> for non-Euclidean states.</summary>
    public DifferentiableDynamics(IDynamics model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelChecks.Euclidean(nameof(DifferentiableDynamics), model, model.StateSpace,
            "The tape treats x as a vector in R^n, so its gradients would be taken in coordinates, not in the tangent (gradient learners on manifolds are not supported).");
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
