// Gradient shooting: the trajectory-optimization problem min over u_0..u_{H-1} of sum_t l(x_t, u_t) + lf(x_H)
// with x_{t+1} = f(x_t, u_t) (seeds/002), solved with the control sequence U (H x m) as the only unknown. Each
// iteration rolls the model out from x0 on the autodiff tape, sums the stage costs and the terminal cost,
// backpropagates that sum to U through time, takes an Adam step and projects U back onto the control bounds
// (projected gradient). Nesting f(f(...)) makes the problem poorly conditioned over long horizons and through
// unstable dynamics (the lecture's point), hence Adam's per-coordinate step sizes, gradient-norm clipping and
// keeping the best iterate. The model may be any IDynamics (bridged onto the tape by its exact Jacobians) or a
// model that is a tensor graph itself (a learned model).
using Control.Core.Models;
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Planning;

/// <summary>
/// Open-loop trajectory optimization by gradient descent (Adam) on the control sequence, with projection onto the
/// model's control bounds and warm starts shifted in time. Gives no feedback gains. Keeps the best sequence seen.
/// </summary>
public sealed class GradientShooting : IPlanner
{
    private readonly GradientShootingConfig config;
    private readonly IDifferentiableDynamics model;
    private readonly DifferentiableCost tapeCost;
    private readonly DynamicsWorkspace workspace;
    private readonly Tensor controls;
    private readonly Tensor initialState;
    private readonly Tensor[] states;
    private readonly double[] bestControls;
    private readonly double[] bestCostHistory;
    private readonly Tensor[] parameters;

    /// <summary>Plans on <paramref name="dynamics"/>, differentiated through its Jacobians (<see cref="DifferentiableDynamics"/>).</summary>
    public GradientShooting(IDynamics dynamics, ICost cost, int horizon, GradientShootingConfig? config = null)
        : this(dynamics, new DifferentiableDynamics(dynamics ?? throw new ArgumentNullException(nameof(dynamics))), cost, horizon, config) { }

    /// <summary>
    /// Plans with gradients from <paramref name="model"/> (a tensor-graph model such as a learned one, or a bridge),
    /// while <paramref name="dynamics"/> gives the control bounds and the states of the returned trajectory (the
    /// rollout of the returned controls). For a learned model that implements both interfaces, pass it twice.
    /// </summary>
    public GradientShooting(IDynamics dynamics, IDifferentiableDynamics model, ICost cost, int horizon, GradientShootingConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(cost);
        PlannerChecks.Model("GradientShooting", dynamics, cost);
        PlannerChecks.Horizon("GradientShooting", horizon);
        if (model.StateSize != dynamics.StateSize || model.ControlSize != dynamics.ControlSize)
        {
            throw new ArgumentException(
                $"GradientShooting: the dynamics has n={dynamics.StateSize}, m={dynamics.ControlSize} but the differentiable model has n={model.StateSize}, m={model.ControlSize}.");
        }
        this.config = Validate(config ?? new GradientShootingConfig());
        this.model = model;
        Dynamics = dynamics;
        Cost = cost;
        Horizon = horizon;
        int n = dynamics.StateSize, m = dynamics.ControlSize;
        tapeCost = new DifferentiableCost(cost);
        workspace = dynamics.CreateWorkspace();
        Current = new Trajectory(horizon, n, m);
        controls = Tensor.Zeros(DType.Float64, horizon, m);
        controls.Name = "U";
        controls.RequiresGrad = true;
        parameters = [controls];
        initialState = Tensor.Zeros(DType.Float64, 1, n);
        states = new Tensor[horizon];
        bestControls = new double[horizon * m];
        bestCostHistory = new double[this.config.Patience + 1];
        Reset();
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon { get; }

    /// <inheritdoc />
    public Trajectory Current { get; }

    /// <summary>The settings.</summary>
    public GradientShootingConfig Config => config;

    /// <summary>Iterations of the last plan whose iterate was rejected for a non-finite cost or gradient.</summary>
    public int RejectedIterations { get; private set; }

    /// <inheritdoc />
    /// <exception cref="PlanningException">The warm start's cost is not finite, so there is no sequence to improve on.</exception>
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState("GradientShooting", Dynamics.StateSize, x0);
        x0.CopyTo(initialState.Span<double>());
        Span<double> u = controls.Span<double>();
        Current.Controls.CopyTo(u);
        Project(u);

        var adam = new Adam(parameters, new AdamConfig { LearningRate = config.LearningRate, Beta1 = config.Beta1, Beta2 = config.Beta2 });
        double bestCost = double.PositiveInfinity;
        RejectedIterations = 0;
        bool converged = false;
        int iteration = 0;
        while (iteration < config.Iterations && !converged)
        {
            iteration++;
            using TensorScope scope = TensorScope.Begin();

            // Rollout and plan cost on the tape.
            Tensor total = RolloutCost();
            double cost = total.Item();
            if (!double.IsFinite(cost) && double.IsPositiveInfinity(bestCost))
                throw new PlanningException($"GradientShooting: the cost of the starting control sequence is {cost}; the model gives no finite rollout to improve on (try Reset for a cold start).");
            bool improved = cost < bestCost;
            if (improved)
            {
                bestCost = cost;
                u.CopyTo(bestControls);
            }
            converged = Stalled(iteration, bestCost);
            if (!double.IsFinite(cost))
            {
                Reject(adam, u);
                continue;
            }

            // Backward to U, clip, Adam step, projection onto the bounds.
            adam.ZeroGrad();
            total.Backward();
            Span<double> gradient = controls.Grad!.Span<double>();
            double norm = System.Numerics.Tensors.TensorPrimitives.Norm<double>(gradient);
            if (!double.IsFinite(norm))
            {
                Reject(adam, u);
                if (improved) break; // at the best sequence itself there is no direction left to try
                continue;
            }
            if (norm > config.MaxGradientNorm) System.Numerics.Tensors.TensorPrimitives.Multiply(gradient, config.MaxGradientNorm / norm, gradient);
            adam.Step();
            Project(u);
        }

        // The last step's result has not been scored yet.
        using (TensorScope.Begin())
        using (Autograd.NoGrad())
        {
            double last = RolloutCost().Item();
            if (last < bestCost)
            {
                bestCost = last;
                u.CopyTo(bestControls);
            }
        }

        bestControls.CopyTo(Current.Controls, 0);
        FillStates(x0);
        return new PlanResult(Current, Current.Cost, iteration, converged);
    }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps) => Current.Shift(steps);

    /// <inheritdoc />
    public void Reset()
    {
        Array.Clear(Current.States);
        Array.Clear(Current.Controls);
        Current.Cost = 0;
        RejectedIterations = 0;
    }

    // Sum over t of l(x_t, u_t) plus lf(x_H), with x_{t+1} = f(x_t, u_t) recorded on the tape.
    private Tensor RolloutCost()
    {
        Tensor x = initialState;
        for (int t = 0; t < Horizon; t++)
        {
            states[t] = x;
            x = model.Step(x, controls.Narrow(0, t, 1));
        }
        Tensor stageCosts = tapeCost.Stage(Tensor.Concat(states), controls);
        return stageCosts.Sum() + tapeCost.Terminal(x).Sum();
    }

    // A non-finite iterate: back to the best sequence, with a shorter step.
    private void Reject(Adam adam, Span<double> u)
    {
        RejectedIterations++;
        bestControls.CopyTo(u);
        adam.LearningRate *= config.RejectionStepFactor;
    }

    // Whether the best cost fell by less than Tolerance (relative) over the last Patience iterations.
    private bool Stalled(int iteration, double bestCost)
    {
        int window = bestCostHistory.Length;
        bestCostHistory[iteration % window] = bestCost;
        if (config.Tolerance == 0 || iteration < window) return false;
        double before = bestCostHistory[(iteration + 1) % window];
        return before - bestCost <= config.Tolerance * Math.Abs(before);
    }

    private void Project(Span<double> u)
    {
        int m = Dynamics.ControlSize;
        for (int t = 0; t < Horizon; t++) Dynamics.ControlBounds.Clip(u.Slice(t * m, m));
    }

    // The returned trajectory: states and cost of the chosen controls rolled out on the dynamics.
    private void FillStates(ReadOnlySpan<double> x0)
    {
        x0.CopyTo(Current.State(0));
        double total = 0;
        for (int t = 0; t < Horizon; t++)
        {
            total += Cost.Stage(Current.State(t), Current.Control(t));
            Dynamics.Step(workspace, Current.State(t), Current.Control(t), Current.State(t + 1));
        }
        total += Cost.Terminal(Current.State(Horizon));
        if (!double.IsFinite(total))
            throw new PlanningException($"GradientShooting: the dynamics' rollout of the planned controls has cost {total}; the differentiable model and the dynamics disagree.");
        Current.Cost = total;
    }

    private static GradientShootingConfig Validate(GradientShootingConfig c)
    {
        static void Require(bool ok, string name, object value, string expected)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"GradientShooting: expected {name} {expected}.");
        }
        Require(c.Iterations >= 1, nameof(c.Iterations), c.Iterations, "of at least 1");
        Require(c.LearningRate > 0 && double.IsFinite(c.LearningRate), nameof(c.LearningRate), c.LearningRate, "positive and finite");
        Require(c.Beta1 >= 0 && c.Beta1 < 1, nameof(c.Beta1), c.Beta1, "in [0, 1)");
        Require(c.Beta2 >= 0 && c.Beta2 < 1, nameof(c.Beta2), c.Beta2, "in [0, 1)");
        Require(c.MaxGradientNorm > 0, nameof(c.MaxGradientNorm), c.MaxGradientNorm, "positive");
        Require(c.Tolerance >= 0, nameof(c.Tolerance), c.Tolerance, "non-negative");
        Require(c.Patience >= 1, nameof(c.Patience), c.Patience, "of at least 1");
        Require(c.RejectionStepFactor > 0 && c.RejectionStepFactor < 1, nameof(c.RejectionStepFactor), c.RejectionStepFactor, "in (0, 1)");
        return c;
    }
}
