// Tracking LQR: keep a nonlinear system near a nominal trajectory (x_bar_t, u_bar_t). Linearize the model along
// the nominal, dx_{t+1} = A_t dx_t + B_t du_t + d_t with A_t = df/dx, B_t = df/du at (x_bar_t, u_bar_t) and the
// defect d_t = f(x_bar_t, u_bar_t) - x_bar_{t+1} (zero for a dynamically feasible nominal); penalize the
// deviations with 1/2 dx'Q dx + 1/2 du'R du and 1/2 dx_H'Q_f dx_H; solve the time-varying LQR; then roll the
// feedback u_t = clip(u_bar_t + K_t (x_t - x_bar_t) + k_t) out on the true model. The result is a Trajectory with
// gains, which TrajectoryFeedbackPolicy follows as u = u_t + K_t (x - x_t). On a state manifold (IDynamics.StateSpace)
// the deviations are tangent vectors, dx_t = Difference(x_bar_t, x_t), A_t and B_t the model's tangent Jacobians, the
// defect d_t = Difference(x_bar_{t+1}, f(x_bar_t, u_bar_t)), and Q, Q_f weigh tangent deviations (nt x nt).
using Control.Core.Models;
using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>
/// Time-varying LQR tracking of nominal trajectories of one horizon on an <see cref="IDynamics"/>; gains follow the
/// convention of <see cref="Trajectory"/>. Buffers are
/// allocated once; <see cref="Track"/> allocates nothing. Not thread-safe.
/// </summary>
public sealed class TrackingLqr
{
    private const string Name = "TrackingLqr";
    private readonly IDynamics dynamics;
    private readonly IStateSpace space;
    private readonly DynamicsWorkspace workspace;
    private readonly LqrProblem problem;
    private readonly FiniteHorizonLqr solver;
    private readonly double[] stateWeight, controlWeight, finalStateWeight;
    private readonly double[] deviation, controlDeviation, weighted, next;

    /// <summary>
    /// A tracker over <paramref name="horizon"/> steps with deviation weights Q (nt x nt, PSD), R (m x m, PD) and
    /// Q_f (nt x nt, PSD); nt is the tangent size of the dynamics' state space (n for Euclidean states).
    /// </summary>
    public TrackingLqr(IDynamics dynamics, int horizon, double[,] stateWeight, double[,] controlWeight, double[,] finalStateWeight)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        PlannerChecks.Horizon(Name, horizon);
        space = dynamics.StateSpace;
        int n = dynamics.StateSize, nt = space.TangentSize, m = dynamics.ControlSize;
        ModelChecks.Length(Name, "state space coordinates", n, space.Size);
        string tangent = nt == n ? $"n x n, n = {n} from the dynamics" : $"nt x nt, nt = {nt} the tangent size of the dynamics' state space";
        LqrChecks.Shape(Name, "Q", stateWeight, nt, nt, tangent);
        LqrChecks.Shape(Name, "R", controlWeight, m, m, $"m x m, m = {m} from the dynamics");
        LqrChecks.Shape(Name, "Qf", finalStateWeight, nt, nt, tangent);
        this.stateWeight = DenseMatrix.Flatten(stateWeight);
        this.controlWeight = DenseMatrix.Flatten(controlWeight);
        this.finalStateWeight = DenseMatrix.Flatten(finalStateWeight);
        var scratch = new double[Math.Max(nt, m) * Math.Max(nt, m)];
        CheckWeight("Q", this.stateWeight, nt, scratch, definite: false);
        CheckWeight("R", this.controlWeight, m, scratch, definite: true);
        CheckWeight("Qf", this.finalStateWeight, nt, scratch, definite: false);

        this.dynamics = dynamics;
        workspace = dynamics.CreateWorkspace();
        problem = new LqrProblem(nt, m, horizon);
        solver = new FiniteHorizonLqr(nt, m, horizon);
        for (int t = 0; t < horizon; t++)
        {
            this.stateWeight.CopyTo(problem.Q(t));
            this.controlWeight.CopyTo(problem.R(t));
        }
        this.finalStateWeight.CopyTo(problem.FinalQ);

        Result = new Trajectory(horizon, n, m, withGains: true, space);
        deviation = new double[nt];
        controlDeviation = new double[m];
        weighted = new double[Math.Max(nt, m)];
        next = new double[n];
    }

    /// <summary>H.</summary>
    public int Horizon => problem.Horizon;

    /// <summary>The tracked trajectory of the last <see cref="Track"/>: rolled-out states and controls, gains K_t, tracking cost.</summary>
    public Trajectory Result { get; }

    /// <summary>The deviation-coordinate LQR solution of the last <see cref="Track"/> (du_t = K_t dx_t + k_t).</summary>
    public LqrSolution Solution => solver.Solution;

    /// <summary>
    /// Linearizes along <paramref name="nominal"/> (its states x_bar_0..x_bar_H and controls), solves the tracking
    /// LQR and rolls the feedback out on the model from <paramref name="start"/> (default: x_bar_0) into <see cref="Result"/>.
    /// </summary>
    public Trajectory Track(Trajectory nominal, ReadOnlySpan<double> start = default)
    {
        ArgumentNullException.ThrowIfNull(nominal);
        int n = dynamics.StateSize, nt = space.TangentSize, m = dynamics.ControlSize, horizon = Horizon;
        if (nominal.Horizon != horizon || nominal.StateSize != n || nominal.ControlSize != m)
        {
            throw new ArgumentException(
                $"{Name}: expected a nominal trajectory with H={horizon}, n={n}, m={m}, got H={nominal.Horizon}, n={nominal.StateSize}, m={nominal.ControlSize}.");
        }
        LqrChecks.Finite(Name, "nominal states", nominal.States, n);
        LqrChecks.Finite(Name, "nominal controls", nominal.Controls, m);
        if (start.IsEmpty) start = nominal.State(0);
        PlannerChecks.InitialState(Name, n, start);

        // Linearize along the nominal.
        for (int t = 0; t < horizon; t++)
        {
            Span<double> defect = problem.Drift(t);
            dynamics.Linearize(workspace, nominal.State(t), nominal.Control(t), next, problem.A(t), problem.B(t));
            space.Difference(nominal.State(t + 1), next, defect);
            LqrChecks.Finite(Name, "A", problem.A(t), nt, t);
            LqrChecks.Finite(Name, "B", problem.B(t), m, t);
            LqrChecks.Finite(Name, "defect", defect, nt, t);
        }
        int failedStep = solver.Backward(problem);
        if (failedStep >= 0)
        {
            throw new LqrException(LqrFailure.ControlHessianNotPositiveDefinite,
                $"{Name}: R + B_t'P_(t+1) B_t is not positive definite at step t = {failedStep}.");
        }

        // Roll the feedback out on the model.
        Trajectory result = Result;
        LqrSolution solution = solver.Solution;
        start.CopyTo(result.State(0));
        double cost = 0;
        for (int t = 0; t < horizon; t++)
        {
            ReadOnlySpan<double> x = result.State(t), xBar = nominal.State(t), uBar = nominal.Control(t);
            space.Difference(xBar, x, deviation);
            Span<double> u = result.Control(t);
            solution.Control(t, deviation, u);
            for (int i = 0; i < m; i++) u[i] += uBar[i];
            dynamics.ControlBounds.Clip(u);
            for (int i = 0; i < m; i++) controlDeviation[i] = u[i] - uBar[i];
            cost += Quadratic(stateWeight, deviation) + Quadratic(controlWeight, controlDeviation);
            solution.K(t).CopyTo(result.Gain(t));
            dynamics.Step(workspace, x, u, result.State(t + 1));
        }
        ReadOnlySpan<double> last = result.State(horizon), lastBar = nominal.State(horizon);
        space.Difference(lastBar, last, deviation);
        result.Cost = cost + Quadratic(finalStateWeight, deviation);
        return result;
    }

    private static void CheckWeight(string name, double[] weight, int size, double[] scratch, bool definite)
    {
        LqrChecks.Finite(Name, name, weight, size);
        LqrChecks.Symmetric(Name, name, weight, size);
        if (definite) LqrChecks.PositiveDefinite(Name, name, weight, size, scratch);
        else LqrChecks.PositiveSemidefinite(Name, name, weight, size, scratch);
    }

    // 1/2 v'W v.
    private double Quadratic(ReadOnlySpan<double> w, ReadOnlySpan<double> v)
    {
        Span<double> wv = weighted.AsSpan(0, v.Length);
        DenseMatrix.Gemv(false, v.Length, v.Length, 1, w, v, 0, wv);
        double sum = 0;
        for (int i = 0; i < v.Length; i++) sum += v[i] * wv[i];
        return 0.5 * sum;
    }
}
