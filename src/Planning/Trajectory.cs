// A planned trajectory: states x_0..x_H, controls u_0..u_{H-1}, and (for planners that compute them) the
// time-varying feedback gains of the local linear policy u_t = u_bar_t + K_t (x - x_bar_t), where on a state
// manifold x - x_bar_t is the tangent vector Difference(x_bar_t, x) of the trajectory's StateSpace.
using Control.Core.Models;

namespace Control.Planning;

/// <summary>
/// States ((H + 1) x n), controls (H x m) and optional gains (H x m x n), all flat and row-major, owned by the
/// planner that filled them and reused across replans.
/// <para>
/// The conventions of every planner and LQR solver in Control.Planning. Gains: feedback is added,
/// u_t = u_bar_t + K_t (x - x_bar_t) + k_t, with K_t the feedback gain and k_t the feed-forward term (zero once a
/// plan has converged; iLQR's line search scales it by alpha); for a regulator around the origin u = K x, so LQR's
/// gain is K = -(R + B'PB)^-1 (B'PA + N') and the closed loop is A + B K. Matrices: flat row-major spans, an
/// r x c matrix M holding M[i, j] at i * c + j; K_t is m x n, A_t n x n, B_t n x m (the layout of
/// <c>Control.Core.Numerics.DenseMatrix</c>). <c>double[,]</c> appears only in convenience overloads.
/// </para>
/// <para>
/// States on a manifold (<see cref="IStateSpace"/>, e.g. quaternions): states stay in coordinates (n each), while
/// gains, Jacobians and deviations live in the tangent (nt = <see cref="TangentSize"/>): K_t is m x nt and
/// x - x_bar_t means <c>StateSpace.Difference(x_bar_t, x)</c>. For Euclidean states nt = n and nothing changes.
/// </para>
/// </summary>
public sealed class Trajectory
{
    /// <summary>
    /// A zero trajectory of horizon <paramref name="horizon"/>; gains are allocated when <paramref name="withGains"/>.
    /// <paramref name="stateSpace"/> is the states' manifold (default Euclidean R^n).
    /// </summary>
    public Trajectory(int horizon, int stateSize, int controlSize, bool withGains = false, IStateSpace? stateSpace = null)
    {
        if (horizon <= 0) throw new ArgumentOutOfRangeException(nameof(horizon), horizon, "expected a horizon of at least 1 step");
        if (stateSize <= 0) throw new ArgumentOutOfRangeException(nameof(stateSize), stateSize, "expected at least one state");
        if (controlSize <= 0) throw new ArgumentOutOfRangeException(nameof(controlSize), controlSize, "expected at least one control");
        stateSpace ??= new EuclideanStateSpace(stateSize);
        if (stateSpace.Size != stateSize || stateSpace.TangentSize <= 0)
        {
            throw new ArgumentException(
                $"expected a state space with {stateSize} coordinates and a tangent of at least 1, got {stateSpace.GetType().Name} with {stateSpace.Size} coordinates and tangent {stateSpace.TangentSize}.", nameof(stateSpace));
        }
        Horizon = horizon;
        StateSize = stateSize;
        ControlSize = controlSize;
        StateSpace = stateSpace;
        TangentSize = stateSpace.TangentSize;
        States = new double[(horizon + 1) * stateSize];
        Controls = new double[horizon * controlSize];
        Gains = withGains ? new double[horizon * controlSize * TangentSize] : null;
    }

    /// <summary>H: number of controls.</summary>
    public int Horizon { get; }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ControlSize { get; }

    /// <summary>The manifold of the states; gains act on its tangent vectors.</summary>
    public IStateSpace StateSpace { get; }

    /// <summary>nt: the states' tangent size (n for Euclidean states), the number of columns of each gain.</summary>
    public int TangentSize { get; }

    /// <summary>x_0..x_H, row-major (H + 1) x n.</summary>
    public double[] States { get; }

    /// <summary>u_0..u_{H-1}, row-major H x m.</summary>
    public double[] Controls { get; }

    /// <summary>Feedback gains K_t (m x nt each, row-major; u = u_bar_t + K_t (x - x_bar_t)), or null when the planner gives none.</summary>
    public double[]? Gains { get; }

    /// <summary>Total cost: sum of stage costs plus the terminal cost.</summary>
    public double Cost { get; set; }

    /// <summary>x_t.</summary>
    public Span<double> State(int t) => States.AsSpan(t * StateSize, StateSize);

    /// <summary>u_t.</summary>
    public Span<double> Control(int t) => Controls.AsSpan(t * ControlSize, ControlSize);

    /// <summary>K_t (m x nt), or an empty span when there are no gains.</summary>
    public Span<double> Gain(int t) => Gains is null ? default : Gains.AsSpan(t * ControlSize * TangentSize, ControlSize * TangentSize);

    /// <summary>
    /// Drops the first <paramref name="steps"/> controls (and gains) and repeats the last one at the end: the
    /// warm start of the next receding-horizon replan. States are left for the planner to recompute.
    /// </summary>
    public void Shift(int steps)
    {
        ShiftSteps(Controls, ControlSize, steps);
        if (Gains is not null) ShiftSteps(Gains, ControlSize * TangentSize, steps);
    }

    /// <summary>
    /// Shifts a sequence of steps of <paramref name="width"/> values each <paramref name="steps"/> steps earlier, in
    /// place: step t takes step t + steps, and the steps past the end repeat the last one (a control sequence's warm start).
    /// </summary>
    public static void ShiftSteps(Span<double> sequence, int width, int steps)
    {
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "expected a non-negative shift");
        if (width < 1 || sequence.Length % width != 0)
            throw new ArgumentException($"expected a sequence of whole steps of {width} values, got {sequence.Length} values (width >= 1).");
        int horizon = sequence.Length / width;
        if (steps == 0) return;
        for (int t = 0; t < horizon; t++)
        {
            int source = Math.Min(t + steps, horizon - 1);
            if (source != t) sequence.Slice(source * width, width).CopyTo(sequence.Slice(t * width, width));
        }
    }

    /// <summary>Copies everything from a trajectory of the same dimensions.</summary>
    public void CopyFrom(Trajectory other)
    {
        if (other.Horizon != Horizon || other.StateSize != StateSize || other.ControlSize != ControlSize || other.TangentSize != TangentSize)
        {
            throw new ArgumentException(
                $"expected a trajectory with H={Horizon}, n={StateSize}, m={ControlSize}, tangent {TangentSize}, got H={other.Horizon}, n={other.StateSize}, m={other.ControlSize}, tangent {other.TangentSize}.");
        }
        other.States.CopyTo(States, 0);
        other.Controls.CopyTo(Controls, 0);
        if (Gains is not null)
        {
            if (other.Gains is null) Array.Clear(Gains);
            else other.Gains.CopyTo(Gains, 0);
        }
        Cost = other.Cost;
    }
}
