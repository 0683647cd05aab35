// Model predictive path integral control (MPPI), as in Williams et al. 2017, "Information theoretic MPC for
// model-based reinforcement learning" (Algorithm 2). Perturb the mean control sequence U with Gaussian noise
// eps_k (per step N(0, Sigma), Sigma diagonal; along time colored, 1/f^beta as in iCEM, see ColoredNoise, so that
// the perturbations are smooth), roll every perturbed sequence out, and score it by
//     S_k = phi(x_T) + sum_t [ q(x_t, u_t) + gamma u_t^T Sigma^-1 eps_k,t ],   gamma = ControlCostWeight * lambda,
// where the last term is the control cost that comes from the noise covariance (per step: the correlation of
// colored noise across steps is left out of it). The new mean is the
// exponentially weighted average of the perturbations,
//     w_k = exp(-(S_k - min_j S_j) / lambda) / eta,   U <- U + sum_k w_k eps_k,
// optionally smoothed over time. Between replans the mean is shifted by the steps taken (the last control
// repeated at the end) and is the next plan's starting point.
//
// Bounds: a perturbed control is clipped to Dynamics.ControlBounds and eps_k is the perturbation actually
// applied (clipped minus mean), so the weighted average of in-bound sequences stays in bounds.
using Control.Core;
using Control.Core.Models;

namespace Control.Planning.Sampling;

/// <summary>MPPI planner (see <see cref="MppiConfig"/>); the plan is the updated mean sequence.</summary>
public sealed class Mppi : IPlanner
{
    private const string Name = "MPPI";
    private readonly MppiConfig config;
    private readonly int m, horizon;
    private readonly double[] lower, upper, noiseStd;
    private readonly double[] weights, update, smoothed;
    private readonly Trajectory plan;
    private readonly PerturbationSampler sampler;

    /// <summary>A planner for <paramref name="dynamics"/> and <paramref name="cost"/>.</summary>
    public Mppi(IDynamics dynamics, ICost cost, MppiConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(cost);
        this.config = config ?? new MppiConfig();
        PlannerChecks.Model(Name, dynamics, cost);
        PlannerChecks.Horizon(Name, this.config.Horizon);
        CheckConfig(this.config);
        Dynamics = dynamics;
        Cost = cost;
        m = dynamics.ControlSize;
        horizon = this.config.Horizon;
        lower = dynamics.ControlBounds.Low.ToArray();
        upper = dynamics.ControlBounds.High.ToArray();
        ModelChecks.Length(Name, "control bounds", m, lower.Length);
        noiseStd = SamplingSetup.NoiseStd(Name, dynamics.ControlBounds, this.config.NoiseStd, this.config.NoiseStdFraction);

        Rollouts = new SampledRollouts(dynamics, cost, horizon, this.config.Samples, this.config.Threads, this.config.Seed);
        weights = new double[this.config.Samples];
        update = new double[horizon * m];
        smoothed = new double[horizon * m];
        plan = new Trajectory(horizon, dynamics.StateSize, m, stateSpace: dynamics.StateSpace);
        double gamma = this.config.ControlCostWeight * this.config.Temperature;
        sampler = new PerturbationSampler(plan.Controls, noiseStd, lower, upper, m, gamma, new ColoredNoise(horizon, this.config.NoiseExponent));
        Reset();
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => horizon;

    /// <summary>The settings.</summary>
    public MppiConfig Config => config;

    /// <inheritdoc />
    public Trajectory Current => plan;

    /// <summary>The samples and costs of the last iteration.</summary>
    public SampledRollouts Rollouts { get; }

    /// <summary>The weights w_k of the last iteration (K, summing to 1; all zero when no rollout was finite).</summary>
    public ReadOnlySpan<double> Weights => weights;

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
        double[] mean = plan.Controls;
        int iterations = 0;
        for (int iteration = 0; iteration < config.Iterations; iteration++)
        {
            // Perturb the mean and score every perturbed sequence.
            Rollouts.Evaluate(x0, sampler);
            iterations++;
            if (!ComputeWeights()) throw Rollouts.NoFiniteSample(Name, iteration, x0);

            // U <- U + sum_k w_k eps_k, with eps_k the applied perturbation, reduced in sample order.
            Array.Clear(update);
            for (int k = 0; k < weights.Length; k++)
            {
                double w = weights[k];
                if (w == 0) continue;
                ReadOnlySpan<double> u = Rollouts.SampleControls(k);
                for (int i = 0; i < update.Length; i++) update[i] += w * (u[i] - mean[i]);
            }
            double[] step = Smooth(update);
            for (int i = 0; i < mean.Length; i++) mean[i] = Math.Clamp(mean[i] + step[i], lower[i % m], upper[i % m]);
        }
        Rollouts.Rollout(x0, plan);
        return new PlanResult(plan, plan.Cost, iterations, Converged: false);
    }

    // w_k = exp(-(S_k - min S) / lambda) / eta over the finite costs; false when no cost is finite.
    private bool ComputeWeights()
    {
        double[] costs = Rollouts.Costs;
        double minimum = double.PositiveInfinity;
        foreach (double s in costs) minimum = Math.Min(minimum, s);
        if (!double.IsFinite(minimum))
        {
            Array.Clear(weights);
            return false;
        }
        double eta = 0;
        for (int k = 0; k < costs.Length; k++)
        {
            weights[k] = double.IsFinite(costs[k]) ? Math.Exp(-(costs[k] - minimum) / config.Temperature) : 0;
            eta += weights[k];
        }
        for (int k = 0; k < weights.Length; k++) weights[k] /= eta;
        return true;
    }

    // Centered moving average over time, per control, shrinking at the ends of the horizon.
    private double[] Smooth(double[] values)
    {
        int half = config.SmoothingWindow / 2;
        if (half == 0) return values;
        for (int t = 0; t < horizon; t++)
        {
            int from = Math.Max(0, t - half), to = Math.Min(horizon - 1, t + half);
            for (int j = 0; j < m; j++)
            {
                double sum = 0;
                for (int s = from; s <= to; s++) sum += values[s * m + j];
                smoothed[t * m + j] = sum / (to - from + 1);
            }
        }
        return smoothed;
    }

    private static void CheckConfig(MppiConfig c)
    {
        if (!(c.NoiseExponent >= 0 && double.IsFinite(c.NoiseExponent))) throw new ArgumentOutOfRangeException(nameof(c.NoiseExponent), c.NoiseExponent, $"{Name}: expected a finite noise exponent beta >= 0.");
        if (c.Samples < 1) throw new ArgumentOutOfRangeException(nameof(c.Samples), c.Samples, $"{Name}: expected at least 1 sample.");
        if (!(c.Temperature > 0 && double.IsFinite(c.Temperature))) throw new ArgumentOutOfRangeException(nameof(c.Temperature), c.Temperature, $"{Name}: expected a positive finite temperature lambda.");
        if (!(c.ControlCostWeight >= 0 && double.IsFinite(c.ControlCostWeight))) throw new ArgumentOutOfRangeException(nameof(c.ControlCostWeight), c.ControlCostWeight, $"{Name}: expected a non-negative finite control-cost weight.");
        if (c.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(c.Iterations), c.Iterations, $"{Name}: expected at least 1 iteration.");
        if (c.SmoothingWindow < 1 || c.SmoothingWindow % 2 == 0) throw new ArgumentOutOfRangeException(nameof(c.SmoothingWindow), c.SmoothingWindow, $"{Name}: expected an odd smoothing window of at least 1 step.");
    }

    // Sample k: clip(U + Sigma^1/2 noise) with colored noise along time; returns gamma sum_t u_t^T Sigma^-1 eps_t with
    // eps the applied perturbation.
    private sealed class PerturbationSampler(double[] mean, double[] std, double[] lower, double[] upper, int m, double gamma, ColoredNoise noise) : IControlSampler
    {
        public double Sample(int sample, Rng random, Span<double> controls)
        {
            noise.Fill(random, controls, m);
            double controlCost = 0;
            for (int t = 0; t < controls.Length; t += m)
            {
                for (int j = 0; j < m; j++)
                {
                    int i = t + j;
                    double u = Math.Clamp(mean[i] + std[j] * controls[i], lower[j], upper[j]);
                    controls[i] = u;
                    controlCost += mean[i] * (u - mean[i]) / (std[j] * std[j]);
                }
            }
            return gamma * controlCost;
        }
    }
}
