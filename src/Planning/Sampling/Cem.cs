// The cross-entropy method as a trajectory planner, in the improved form of iCEM (Pinneri et al. 2020,
// "Sample-efficient cross-entropy method for real-time planning"): keep a Gaussian over the H x m control sequence
// (a mean and a standard deviation per step and control), sample a population with colored noise along time
// (ColoredNoise: smooth perturbations instead of white ones), roll it out, refit the Gaussian to the elites (the
// lowest-cost fraction), and repeat. A fraction of each iteration's elites is kept into the next population, and
// the last iteration's kept elites, shifted by the steps taken, join the first population of the next replan, so
// good sequences are not lost to resampling. Sample 0 of every population is the mean itself. The answer is the
// best sequence seen: the final mean or the best sample, whichever costs less. Between replans the plan is
// shifted by the steps taken and becomes the next mean; the standard deviation starts afresh.
//
// Bounds: samples are drawn from the Gaussian and then clipped to Dynamics.ControlBounds (not truncated). A
// clipped Gaussian puts mass exactly on the bounds, where bang-bang swing-ups want it, and the mean and the
// elites are then always inside the bounds.
using Control.Core;
using Control.Core.Models;

namespace Control.Planning.Sampling;

/// <summary>Cross-entropy-method planner over the controls of a horizon (see <see cref="CemConfig"/>).</summary>
public sealed class Cem : IPlanner
{
    private const string Name = "CEM";
    private readonly CemConfig config;
    private readonly int m, horizon, eliteCount, keptCapacity;
    private readonly double[] lower, upper, initialStd, minStd;
    private readonly double[] mean, std, best, eliteMean, eliteSquares, kept;
    private readonly int[] order;
    private readonly double[] sortedCosts;
    private readonly Trajectory plan, meanPlan;
    private readonly GaussianSampler sampler;
    private int keptCount;

    /// <summary>A planner for <paramref name="dynamics"/> and <paramref name="cost"/>.</summary>
    public Cem(IDynamics dynamics, ICost cost, CemConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        this.config = config ?? new CemConfig();
        PlannerChecks.Model(Name, dynamics, cost);
        PlannerChecks.Horizon(Name, this.config.Horizon);
        Dynamics = dynamics;
        Cost = cost;
        m = dynamics.ControlSize;
        horizon = this.config.Horizon;
        (eliteCount, keptCapacity) = CheckConfig(this.config);
        lower = dynamics.ControlBounds.Low.ToArray();
        upper = dynamics.ControlBounds.High.ToArray();
        ModelChecks.Length(Name, "control bounds", m, lower.Length);
        initialStd = SamplingSetup.NoiseStd(Name, dynamics.ControlBounds, this.config.InitialStd, this.config.InitialStdFraction);
        minStd = initialStd.Select(s => s * this.config.MinStdFraction).ToArray();

        Rollouts = new SampledRollouts(dynamics, cost, horizon, this.config.Population, this.config.Threads, this.config.Seed);
        mean = new double[horizon * m];
        std = new double[horizon * m];
        best = new double[horizon * m];
        eliteMean = new double[horizon * m];
        eliteSquares = new double[horizon * m];
        order = new int[this.config.Population];
        sortedCosts = new double[this.config.Population];
        kept = new double[keptCapacity * horizon * m];
        plan = new Trajectory(horizon, dynamics.StateSize, m, stateSpace: dynamics.StateSpace);
        meanPlan = new Trajectory(horizon, dynamics.StateSize, m, stateSpace: dynamics.StateSpace);
        sampler = new GaussianSampler(this, new ColoredNoise(horizon, this.config.NoiseExponent));
        Reset();
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => horizon;

    /// <summary>The settings.</summary>
    public CemConfig Config => config;

    /// <inheritdoc />
    public Trajectory Current => plan;

    /// <summary>The samples and costs of the last iteration.</summary>
    public SampledRollouts Rollouts { get; }

    /// <summary>The standard deviation (H x m) the last iteration ended with.</summary>
    public ReadOnlySpan<double> Std => std;

    /// <summary>The elites kept for the next population (at most <see cref="KeptCapacity"/>), H x m each, best first.</summary>
    public int KeptCount => keptCount;

    /// <summary>How many elites are kept: <see cref="CemConfig.KeptEliteFraction"/> of the elites.</summary>
    public int KeptCapacity => keptCapacity;

    /// <summary>Kept elite <paramref name="index"/>'s H x m controls; they are samples 1..<see cref="KeptCount"/> of the next population.</summary>
    public ReadOnlySpan<double> KeptElite(int index)
    {
        if ((uint)index >= (uint)keptCount) throw new ArgumentOutOfRangeException(nameof(index), index, $"{Name}: expected a kept elite index below {keptCount}.");
        return kept.AsSpan(index * horizon * m, horizon * m);
    }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps)
    {
        plan.Shift(steps);
        for (int e = 0; e < keptCount; e++) Trajectory.ShiftSteps(kept.AsSpan(e * horizon * m, horizon * m), m, steps);
    }

    /// <inheritdoc />
    public void Reset()
    {
        SamplingSetup.ColdStart(plan.Controls, lower, upper);
        keptCount = 0;
        Rollouts.Reseed(config.Seed);
    }

    /// <inheritdoc />
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState(Name, Dynamics.StateSize, x0);
        plan.Controls.CopyTo(mean, 0);
        for (int i = 0; i < std.Length; i++) std[i] = initialStd[i % m];
        double bestCost = double.PositiveInfinity;
        int iterations = 0;

        for (int iteration = 0; iteration < config.Iterations; iteration++)
        {
            // Sample and score the population (sample 0 is the mean itself, so a good warm start is never lost;
            // samples 1..keptCount are the kept elites).
            Rollouts.Evaluate(x0, sampler);
            iterations++;
            int finite = SortByCost();
            if (finite == 0) throw Rollouts.NoFiniteSample(Name, iteration, x0);
            if (sortedCosts[0] < bestCost)
            {
                bestCost = sortedCosts[0];
                Rollouts.SampleControls(order[0]).CopyTo(best);
            }
            KeepElites(finite);

            // Refit the Gaussian to the elites, smoothed with the previous one.
            Refit(Math.Min(eliteCount, finite));
        }

        // The answer: the final mean or the best sample seen, whichever costs less.
        for (int i = 0; i < mean.Length; i++) meanPlan.Controls[i] = Math.Clamp(mean[i], lower[i % m], upper[i % m]);
        double meanCost = Rollouts.Rollout(x0, meanPlan);
        if (bestCost < meanCost)
        {
            best.CopyTo(plan.Controls, 0);
            Rollouts.Rollout(x0, plan);
        }
        else
        {
            plan.CopyFrom(meanPlan);
        }
        return new PlanResult(plan, plan.Cost, iterations, Converged: false);
    }

    // Sorts sample indices by cost into `order` (costs into `sortedCosts`); returns how many costs are finite.
    private int SortByCost()
    {
        for (int k = 0; k < order.Length; k++) order[k] = k;
        Rollouts.Costs.CopyTo(sortedCosts, 0);
        Array.Sort(sortedCosts, order);
        int finite = 0;
        while (finite < sortedCosts.Length && double.IsFinite(sortedCosts[finite])) finite++;
        return finite;
    }

    // Copies the best min(keptCapacity, finite) samples into `kept`, best first.
    private void KeepElites(int finite)
    {
        keptCount = Math.Min(keptCapacity, finite);
        for (int e = 0; e < keptCount; e++) Rollouts.SampleControls(order[e]).CopyTo(kept.AsSpan(e * horizon * m, horizon * m));
    }

    private void Refit(int elites)
    {
        Array.Clear(eliteMean);
        Array.Clear(eliteSquares);
        for (int e = 0; e < elites; e++)
        {
            ReadOnlySpan<double> u = Rollouts.SampleControls(order[e]);
            for (int i = 0; i < u.Length; i++) eliteMean[i] += u[i];
        }
        for (int i = 0; i < eliteMean.Length; i++) eliteMean[i] /= elites;
        for (int e = 0; e < elites; e++)
        {
            ReadOnlySpan<double> u = Rollouts.SampleControls(order[e]);
            for (int i = 0; i < u.Length; i++) eliteSquares[i] += (u[i] - eliteMean[i]) * (u[i] - eliteMean[i]);
        }
        double alpha = config.Smoothing;
        for (int i = 0; i < mean.Length; i++)
        {
            double eliteStd = Math.Sqrt(eliteSquares[i] / elites);
            mean[i] = alpha * mean[i] + (1 - alpha) * eliteMean[i];
            std[i] = Math.Max(alpha * std[i] + (1 - alpha) * eliteStd, minStd[i % m]);
        }
    }

    // Returns the elite count and the kept-elite count.
    private static (int Elites, int Kept) CheckConfig(CemConfig c)
    {
        if (!(c.NoiseExponent >= 0 && double.IsFinite(c.NoiseExponent))) throw new ArgumentOutOfRangeException(nameof(c.NoiseExponent), c.NoiseExponent, $"{Name}: expected a finite noise exponent beta >= 0.");
        if (!(c.KeptEliteFraction >= 0 && c.KeptEliteFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(c.KeptEliteFraction), c.KeptEliteFraction, $"{Name}: expected KeptEliteFraction in [0, 1].");
        if (c.Population < 2) throw new ArgumentOutOfRangeException(nameof(c.Population), c.Population, $"{Name}: expected a population of at least 2.");
        if (c.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(c.Iterations), c.Iterations, $"{Name}: expected at least 1 iteration.");
        if (!(c.Smoothing >= 0 && c.Smoothing < 1)) throw new ArgumentOutOfRangeException(nameof(c.Smoothing), c.Smoothing, $"{Name}: expected Smoothing in [0, 1).");
        if (!(c.MinStdFraction >= 0 && c.MinStdFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(c.MinStdFraction), c.MinStdFraction, $"{Name}: expected MinStdFraction in [0, 1].");
        int elites;
        if (c.EliteCount is int count)
        {
            elites = count;
        }
        else
        {
            if (!(c.EliteFraction > 0 && c.EliteFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(c.EliteFraction), c.EliteFraction, $"{Name}: expected EliteFraction in (0, 1].");
            elites = Math.Max(1, (int)Math.Round(c.EliteFraction * c.Population));
        }
        if (elites < 1 || elites > c.Population)
            throw new ArgumentOutOfRangeException(nameof(c.EliteCount), elites, $"{Name}: expected between 1 and Population = {c.Population} elites.");
        int keptElites = Math.Min((int)Math.Round(c.KeptEliteFraction * elites), c.Population - 1);
        return (elites, keptElites);
    }

    // Sample k: clip(mean + std * noise) with colored noise along time, except sample 0, which is the mean itself,
    // and samples 1..keptCount, which are the kept elites.
    private sealed class GaussianSampler(Cem owner, ColoredNoise noise) : IControlSampler
    {
        public double Sample(int sample, Rng random, Span<double> controls)
        {
            if (sample > 0 && sample <= owner.keptCount)
            {
                owner.kept.AsSpan((sample - 1) * controls.Length, controls.Length).CopyTo(controls);
                return 0;
            }
            double[] mean = owner.mean, std = owner.std, lower = owner.lower, upper = owner.upper;
            if (sample == 0) controls.Clear();
            else noise.Fill(random, controls, owner.m);
            for (int i = 0; i < controls.Length; i++)
            {
                int j = i % owner.m;
                controls[i] = Math.Clamp(mean[i] + std[i] * controls[i], lower[j], upper[j]);
            }
            return 0;
        }
    }
}
