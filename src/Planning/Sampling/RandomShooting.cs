// Random shooting: draw control sequences uniformly inside the control bounds, roll them all out, and keep the
// cheapest. The baseline every sampling planner must beat. Under MPC the previous plan, shifted by the steps
// taken, competes as one of the samples (KeepPrevious), so a good plan is kept until a better one turns up.
using Control.Core;
using Control.Core.Models;

namespace Control.Planning.Sampling;

/// <summary>Random-shooting planner: the best of uniformly random control sequences (see <see cref="RandomShootingConfig"/>).</summary>
public sealed class RandomShooting : IPlanner
{
    private const string Name = "RandomShooting";
    private readonly RandomShootingConfig config;
    private readonly double[] lower, upper;
    private readonly Trajectory plan;
    private readonly UniformSampler sampler;

    /// <summary>A planner for <paramref name="dynamics"/> and <paramref name="cost"/>; every control must have finite bounds.</summary>
    public RandomShooting(IDynamics dynamics, ICost cost, RandomShootingConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        this.config = config ?? new RandomShootingConfig();
        PlannerChecks.Model(Name, dynamics, cost);
        PlannerChecks.Horizon(Name, this.config.Horizon);
        if (this.config.Samples < 1)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.Samples, $"{Name}: expected at least 1 sample.");
        if (!dynamics.ControlBounds.IsBounded)
            throw new ArgumentException($"{Name}: uniform sampling needs finite control bounds, got {dynamics.ControlBounds.Describe()}.");
        Dynamics = dynamics;
        Cost = cost;
        lower = dynamics.ControlBounds.Low.ToArray();
        upper = dynamics.ControlBounds.High.ToArray();
        ModelChecks.Length(Name, "control bounds", dynamics.ControlSize, lower.Length);
        Rollouts = new SampledRollouts(dynamics, cost, this.config.Horizon, this.config.Samples, this.config.Threads, this.config.Seed);
        plan = new Trajectory(this.config.Horizon, dynamics.StateSize, dynamics.ControlSize, stateSpace: dynamics.StateSpace);
        sampler = new UniformSampler(plan.Controls, lower, upper, this.config.KeepPrevious);
        Reset();
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => config.Horizon;

    /// <summary>The settings.</summary>
    public RandomShootingConfig Config => config;

    /// <inheritdoc />
    public Trajectory Current => plan;

    /// <summary>The samples and costs of the last plan.</summary>
    public SampledRollouts Rollouts { get; }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps) => plan.Shift(steps);

    /// <inheritdoc />
    public void Reset()
    {
        SamplingSetup.ColdStart(plan.Controls, lower, upper);
        Rollouts.Reseed(config.Seed);
    }

    /// <inheritdoc />
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState(Name, Dynamics.StateSize, x0);
        Rollouts.Evaluate(x0, sampler);

        // The first of the cheapest samples, in sample order; an error naming the fault if none is finite.
        double[] costs = Rollouts.Costs;
        int best = -1;
        for (int k = 0; k < costs.Length; k++)
        {
            if (double.IsFinite(costs[k]) && (best < 0 || costs[k] < costs[best])) best = k;
        }
        if (best < 0) throw Rollouts.NoFiniteSample(Name, 0, x0);
        Rollouts.SampleControls(best).CopyTo(plan.Controls);
        Rollouts.Rollout(x0, plan);
        return new PlanResult(plan, plan.Cost, Iterations: 1, Converged: false);
    }

    // Sample k: uniform in the bounds, except sample 0, which is the previous plan when KeepPrevious is set.
    private sealed class UniformSampler(double[] previous, double[] lower, double[] upper, bool keepPrevious) : IControlSampler
    {
        public double Sample(int sample, Rng random, Span<double> controls)
        {
            if (sample == 0 && keepPrevious)
            {
                previous.CopyTo(controls);
                return 0;
            }
            int m = lower.Length;
            for (int t = 0; t < controls.Length; t += m)
            {
                for (int j = 0; j < m; j++) controls[t + j] = random.Uniform(lower[j], upper[j]);
            }
            return 0;
        }
    }
}
