// MPC on a learned model that watches reality. After every real step it compares what the model predicted for that
// step with what happened, and it checks every plan before acting on it:
//   - surprise: the one-step prediction error (mean squared, per dimension in the model's output scale) above
//     SurpriseFactor times the model's holdout error means the model is wrong here: the plan is made again from cold
//     (a warm start carried over from where the model was trusted is worth nothing now); a second surprise in a row
//     (the cold plan did no better) acts with the middle of the control box instead of planning through the model,
//     until a step is predicted well again;
//   - a non-finite plan (a PlanningException, a NaN control or cost): act with the previous plan's next control,
//     shifted as MPC would have, or, once that plan is used up or without one, the middle of the control box; the
//     next step plans cold;
//   - a diverging plan: its cost rises above what the previous plan predicted for the rest of its horizon (its cost
//     minus the stage just taken) by more than CostRiseTolerance times the episode's first plan cost: the warm start
//     has stopped being optimized (bench/RESULTS.md, "planning on a learned model": an iLQR whose regularization ran away played a stale plan whose
//     tail repeated one force), so it is replaced by a cold plan at once.
// Every step with at least one of these counts one fallback. The rules are those of a runtime monitor that trusts a
// model only where its errors look like its validation errors, as in "Safe Model-based Reinforcement Learning with
// Stability Guarantees" (Berkenkamp et al.) in spirit, here without any guarantee: a detector and a conservative reaction.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Planning;

namespace Control.ModelBased;

/// <summary>Receding-horizon control on a learned model with a surprise, divergence and non-finite-plan fallback; deterministic for a seed.</summary>
public sealed class WatchedMpc : IPolicy
{
    private readonly IPlanner planner;
    private readonly MpcController mpc;
    private readonly SafeMpcConfig config;
    private readonly DynamicsWorkspace workspace;
    private readonly double[] errorScale, predicted, previousControls, safeAction;
    private readonly double referenceError;
    private readonly int n, m;
    private bool havePrediction, havePlan;
    private int sincePlan, surprisesInARow;
    private double previousCost, previousStage, firstCost;

    /// <summary>
    /// Watches MPC with <paramref name="planner"/> on its own dynamics: a step's prediction error in dimension i is
    /// divided by <paramref name="errorScale"/>[i] (the model's output standard deviation) and the mean square compared
    /// with <paramref name="referenceError"/> (the model's holdout error in those units; NaN or 0: no surprise test).
    /// </summary>
    /// <exception cref="ArgumentException">The scale's length is not n or a scale is not finite and positive.</exception>
    public WatchedMpc(IPlanner planner, double[] errorScale, double referenceError, SafeMpcConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(errorScale);
        this.planner = planner;
        this.config = (config ?? new SafeMpcConfig()).Check();
        n = planner.Dynamics.StateSize;
        m = planner.Dynamics.ControlSize;
        if (errorScale.Length != n || !errorScale.All(s => double.IsFinite(s) && s > 0))
            throw new ArgumentException($"watched MPC: expected {n} finite positive error scales, got [{string.Join(", ", errorScale)}].");
        this.errorScale = (double[])errorScale.Clone();
        this.referenceError = referenceError;
        mpc = new MpcController(planner);
        workspace = planner.Dynamics.CreateWorkspace();
        predicted = new double[n];
        previousControls = new double[planner.Horizon * m];
        safeAction = new double[m];
        Box bounds = planner.Dynamics.ControlBounds;
        for (int i = 0; i < m; i++)
        {
            double low = bounds.Low[i], high = bounds.High[i];
            safeAction[i] = double.IsFinite(low) && double.IsFinite(high) ? 0.5 * (low + high) : double.IsFinite(low) ? Math.Max(low, 0) : double.IsFinite(high) ? Math.Min(high, 0) : 0;
        }
    }

    /// <summary>
    /// MPC on a learned model as the model-based loops run it: the task <paramref name="cost"/> plus the support penalty
    /// of <paramref name="data"/> (when <see cref="SafeMpcConfig.SupportWeight"/> > 0), planned by the planner
    /// <paramref name="planner"/> makes for that cost, watched (when <see cref="SafeMpcConfig.Watch"/>) against
    /// <paramref name="holdoutError"/>.
    /// </summary>
    public static IPolicy Create(LearnedDynamics model, ICost cost, TransitionDataset data, double holdoutError, SafeMpcConfig config, Func<ICost, IPlanner> planner)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(config);
        config.Check();
        ICost planned = config.SupportWeight > 0 ? new SupportCost(cost, DataSupport.Of(data, config.SupportMargin, model.Periodic), config.SupportWeight) : cost;
        IPlanner made = planner(planned);
        return config.Watch ? new WatchedMpc(made, model.OutputScaling.Std.ToArray(), holdoutError, config) : new MpcController(made);
    }

    /// <summary>The number of fallbacks of <paramref name="policy"/> if it is a <see cref="WatchedMpc"/>, else 0.</summary>
    public static int FallbacksOf(IPolicy policy) => policy is WatchedMpc watched ? watched.Fallbacks : 0;

    /// <inheritdoc />
    public int ObservationSize => n;

    /// <inheritdoc />
    public int ActionSize => m;

    /// <summary>The MPC controller watched.</summary>
    public MpcController Controller => mpc;

    /// <summary>Steps on which at least one fallback was taken, since construction.</summary>
    public int Fallbacks { get; private set; }

    /// <summary>Surprising real steps (prediction error past <see cref="SafeMpcConfig.SurpriseFactor"/> times the holdout error).</summary>
    public int Surprises { get; private set; }

    /// <summary>Plans that were not finite (or threw).</summary>
    public int NonFinitePlans { get; private set; }

    /// <summary>Plans whose cost rose past the previous plan's prediction.</summary>
    public int DivergingPlans { get; private set; }

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        bool fallback = false, surprised = havePrediction && referenceError > 0 && Surprise(observation) > config.SurpriseFactor * referenceError;
        surprisesInARow = surprised ? surprisesInARow + 1 : 0;
        if (surprised)
        {
            Surprises++;
            Fallbacks++;
            mpc.Reset();
            if (surprisesInARow > 1)
            {
                // A cold plan from here was no better: the model is wrong where the system now is; do not plan through it.
                safeAction.CopyTo(action);
                sincePlan++;
                previousCost = double.NaN;
                Predict(observation, action);
                return;
            }
        }

        bool planned = TryPlan(observation, action);
        if (planned && havePlan && double.IsFinite(firstCost) && double.IsFinite(previousCost))
        {
            double predictedRest = previousCost - previousStage;
            if (mpc.LastPlan.Cost - predictedRest > config.CostRiseTolerance * Math.Abs(firstCost))
            {
                DivergingPlans++;
                fallback = true;
                mpc.Reset();
                planned = TryPlan(observation, action);
            }
        }

        if (planned)
        {
            Trajectory plan = mpc.LastPlan.Trajectory;
            plan.Controls.AsSpan(0, previousControls.Length).CopyTo(previousControls);
            sincePlan = 1;
            previousCost = mpc.LastPlan.Cost;
            previousStage = planner.Cost.Stage(observation, action);
            if (!havePlan) firstCost = previousCost;
            havePlan = true;
        }
        else
        {
            NonFinitePlans++;
            fallback = true;
            ReadOnlySpan<double> fallbackAction = havePlan && sincePlan < planner.Horizon ? previousControls.AsSpan(sincePlan * m, m) : safeAction;
            fallbackAction.CopyTo(action);
            sincePlan++;
            previousCost = double.NaN;
            mpc.Reset();
        }
        if (fallback && !surprised) Fallbacks++;
        Predict(observation, action);
    }

    private void Predict(ReadOnlySpan<double> observation, ReadOnlySpan<double> action)
    {
        planner.Dynamics.Step(workspace, observation, action, predicted);
        havePrediction = predicted.All(double.IsFinite);
    }

    /// <inheritdoc />
    public void Reset()
    {
        mpc.Reset();
        havePrediction = false;
        havePlan = false;
        surprisesInARow = 0;
        firstCost = double.NaN;
    }

    // Mean over dimensions of ((predicted - observed) / scale)^2 for the step just taken.
    private double Surprise(ReadOnlySpan<double> observation)
    {
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double e = (predicted[i] - observation[i]) / errorScale[i];
            sum += e * e;
        }
        return double.IsNaN(sum) ? double.PositiveInfinity : sum / n;
    }

    // One MPC step; false when the planner threw or gave a non-finite action or cost.
    private bool TryPlan(ReadOnlySpan<double> observation, Span<double> action)
    {
        try
        {
            mpc.Act(observation, action);
        }
        catch (PlanningException)
        {
            return false;
        }
        if (!double.IsFinite(mpc.LastPlan.Cost)) return false;
        foreach (double a in action)
        {
            if (!double.IsFinite(a)) return false;
        }
        return true;
    }
}
