// A cost that keeps plans where a learned model is trustworthy: the task's cost plus a penalty on how far a state lies
// outside the states the model was trained on,
//   l'(x, u) = l(x, u) + w sum_i e_i(x)^2,   lf'(x) = lf(x) + w sum_i e_i(x)^2,
// with e_i the distance outside the data's bounds in dimension i in units of that dimension's range (DataSupport).
// Zero inside, quadratic outside: continuous with a continuous gradient 2 w e_i / s_i, and its Hessian 2 w / s_i^2 on
// the diagonal where a state is outside is exact (no Gauss-Newton approximation is needed for a squared hinge). Every
// planner takes it as an ICost: iLQR uses the derivatives, CEM, MPPI and PETS the values. The idea of penalizing plans
// that leave the model's data is that of "Regularizing Model-Based Planning with Energy-Based Models" (Boney et al.)
// and of the uncertainty penalties of MOPO (Yu et al., "Model-based Offline Policy Optimization"), here in its simplest
// form: a box learned from the data.
using Control.Core.Models;
using Control.Dynamics.Data;

namespace Control.Planning;

/// <summary>A task cost plus a weight times the squared distance outside a learned model's data support at every state.</summary>
public sealed class SupportCost : ICost
{
    private readonly ICost inner;
    private readonly DataSupport support;
    private readonly double weight;

    /// <summary>The task cost <paramref name="inner"/> with the support penalty of weight <paramref name="weight"/> (>= 0, finite).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative, NaN or infinite.</exception>
    /// <exception cref="ArgumentException">The support's size is not the cost's state size, or the cost's states are not Euclidean.</exception>
    public SupportCost(ICost inner, DataSupport support, double weight)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(support);
        CheckWeight(weight);
        if (support.Size != inner.StateSize)
            throw new ArgumentException($"support cost: expected a data support of {inner.StateSize} states (the cost's), got {support.Size}.");
        if (inner.StateSpace.TangentSize != inner.StateSize)
            throw new ArgumentException($"support cost: expected Euclidean states (a box in coordinates), got a state space of {inner.StateSize} coordinates and tangent {inner.StateSpace.TangentSize}.");
        this.inner = inner;
        this.support = support;
        this.weight = weight;
    }

    /// <summary>Throws unless <paramref name="weight"/> is finite and non-negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The weight is negative, NaN or infinite.</exception>
    public static void CheckWeight(double weight)
    {
        if (!(double.IsFinite(weight) && weight >= 0))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "support cost: expected a finite weight >= 0.");
    }

    /// <summary>The task's cost.</summary>
    public ICost Inner => inner;

    /// <summary>The data bounds.</summary>
    public DataSupport Support => support;

    /// <summary>w.</summary>
    public double Weight => weight;

    /// <inheritdoc />
    public int StateSize => inner.StateSize;

    /// <inheritdoc />
    public int ControlSize => inner.ControlSize;

    /// <inheritdoc />
    public IStateSpace StateSpace => inner.StateSpace;

    /// <summary>w sum_i e_i(x)^2: the penalty alone.</summary>
    public double Penalty(ReadOnlySpan<double> x)
    {
        double sum = 0;
        for (int i = 0; i < support.Size; i++)
        {
            double e = support.Excess(x, i);
            sum += e * e;
        }
        return weight * sum;
    }

    /// <inheritdoc />
    public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => inner.Stage(x, u) + Penalty(x);

    /// <inheritdoc />
    public double Terminal(ReadOnlySpan<double> x) => inner.Terminal(x) + Penalty(x);

    /// <inheritdoc />
    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        inner.StageDerivatives(x, u, d);
        AddPenalty(x, d);
    }

    /// <inheritdoc />
    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        inner.TerminalDerivatives(x, d);
        AddPenalty(x, d);
    }

    // d/dx_i w e_i^2 = 2 w e_i / s_i; d2/dx_i^2 = 2 w / s_i^2 where e_i != 0.
    private void AddPenalty(ReadOnlySpan<double> x, CostDerivatives d)
    {
        if (weight == 0) return;
        int n = support.Size;
        ReadOnlySpan<double> scale = support.Scale;
        double penalty = 0;
        for (int i = 0; i < n; i++)
        {
            double e = support.Excess(x, i);
            if (e == 0) continue;
            penalty += e * e;
            d.Lx[i] += 2 * weight * e / scale[i];
            d.Lxx[i * n + i] += 2 * weight / (scale[i] * scale[i]);
        }
        d.L += weight * penalty;
    }
}
