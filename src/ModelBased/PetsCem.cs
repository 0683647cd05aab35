// CEM with trajectory sampling over a probabilistic ensemble (Chua et al. 2018, "Deep reinforcement learning in a
// handful of trials using probabilistic dynamics models", PETS). Each candidate control sequence is scored by P
// particles that start at x0 and step by sampling x' ~ N(mu, sigma^2) from an elite member: with TS1 every particle
// redraws its member at every step, with TS-infinity each particle keeps one member for the whole horizon (so the
// spread between particles separates model uncertainty from noise). A candidate's cost is the mean over its
// particles; the Gaussian over sequences is refitted to the elite candidates as in CEM.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Learned;
using Control.Planning;

namespace Control.ModelBased;

/// <summary>PETS' planner: CEM over control sequences scored by trajectory sampling through an ensemble.</summary>
public sealed class PetsCem : IPlanner
{
    private const string Name = "PETS-CEM";
    private readonly ProbabilisticEnsemble ensemble;
    private readonly PetsCemConfig config;
    private readonly DynamicsWorkspace workspace;
    private readonly int n, m, horizon, rows;
    private readonly double[] lower, upper, initialStd;
    private readonly double[] mean, std, samples, costs, states, next, controls, eliteMean, eliteSquares;
    private readonly int[] members, order;
    private Rng rng;

    /// <summary>A planner on a fitted <paramref name="ensemble"/> with the true <paramref name="cost"/>.</summary>
    public PetsCem(ProbabilisticEnsemble ensemble, ICost cost, PetsCemConfig? config = null)
    {
        this.config = config ?? new PetsCemConfig();
        PlannerChecks.Model(Name, ensemble, cost);
        PlannerChecks.Horizon(Name, this.config.Horizon);
        if (this.config.Population < 2) throw new ArgumentOutOfRangeException(nameof(config), this.config.Population, $"{Name}: expected a population of at least 2.");
        if (this.config.Elites < 1 || this.config.Elites > this.config.Population)
            throw new ArgumentOutOfRangeException(nameof(config), this.config.Elites, $"{Name}: expected between 1 and Population elites.");
        if (this.config.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(config), this.config.Iterations, $"{Name}: expected at least one iteration.");
        if (this.config.Particles < 1) throw new ArgumentOutOfRangeException(nameof(config), this.config.Particles, $"{Name}: expected at least one particle.");
        if (!ensemble.ControlBounds.IsBounded) throw new ArgumentException($"{Name}: expected bounded controls to sample from, got {ensemble.ControlBounds.Describe()}.");
        this.ensemble = ensemble;
        Dynamics = ensemble;
        Cost = cost;
        workspace = ensemble.CreateWorkspace();
        n = ensemble.StateSize;
        m = ensemble.ControlSize;
        horizon = this.config.Horizon;
        rows = this.config.Population * this.config.Particles;
        lower = ensemble.ControlBounds.Low.ToArray();
        upper = ensemble.ControlBounds.High.ToArray();
        initialStd = lower.Select((low, i) => this.config.InitialStdFraction * (upper[i] - low)).ToArray();
        mean = new double[horizon * m];
        std = new double[horizon * m];
        eliteMean = new double[horizon * m];
        eliteSquares = new double[horizon * m];
        samples = new double[this.config.Population * horizon * m];
        costs = new double[this.config.Population];
        order = new int[this.config.Population];
        states = new double[rows * n];
        next = new double[rows * n];
        controls = new double[rows * m];
        members = new int[rows];
        Current = new Trajectory(horizon, n, m);
        rng = new Rng(this.config.Seed);
    }

    /// <inheritdoc />
    public IDynamics Dynamics { get; }

    /// <inheritdoc />
    public ICost Cost { get; }

    /// <inheritdoc />
    public int Horizon => horizon;

    /// <inheritdoc />
    public Trajectory Current { get; }

    /// <inheritdoc />
    public PlanResult Plan(ReadOnlySpan<double> x0)
    {
        PlannerChecks.InitialState(Name, n, x0);
        Current.Controls.CopyTo(mean, 0);
        for (int i = 0; i < std.Length; i++) std[i] = initialStd[i % m];
        int population = config.Population;

        for (int iteration = 0; iteration < config.Iterations; iteration++)
        {
            // Candidates: the mean itself, then Gaussian draws clipped to the bounds.
            for (int k = 0; k < population; k++)
            {
                for (int i = 0; i < horizon * m; i++)
                {
                    double draw = k == 0 ? mean[i] : mean[i] + std[i] * rng.Normal();
                    samples[k * horizon * m + i] = Math.Clamp(draw, lower[i % m], upper[i % m]);
                }
            }
            ScoreCandidates(x0);
            if (!costs.Any(double.IsFinite)) throw NoFiniteCandidate(iteration, x0);

            // Refit to the elites.
            for (int k = 0; k < population; k++) order[k] = k;
            Array.Sort((double[])costs.Clone(), order);
            Array.Clear(eliteMean);
            Array.Clear(eliteSquares);
            int elites = config.Elites;
            for (int e = 0; e < elites; e++)
            {
                for (int i = 0; i < horizon * m; i++) eliteMean[i] += samples[order[e] * horizon * m + i] / elites;
            }
            for (int e = 0; e < elites; e++)
            {
                for (int i = 0; i < horizon * m; i++)
                {
                    double d = samples[order[e] * horizon * m + i] - eliteMean[i];
                    eliteSquares[i] += d * d / elites;
                }
            }
            double alpha = config.Smoothing;
            for (int i = 0; i < mean.Length; i++)
            {
                mean[i] = alpha * mean[i] + (1 - alpha) * eliteMean[i];
                std[i] = alpha * std[i] + (1 - alpha) * Math.Sqrt(eliteSquares[i]);
            }
        }

        // The plan: the refitted mean, with states of the ensemble's mean prediction.
        for (int i = 0; i < mean.Length; i++) Current.Controls[i] = Math.Clamp(mean[i], lower[i % m], upper[i % m]);
        x0.CopyTo(Current.State(0));
        double total = 0;
        for (int t = 0; t < horizon; t++)
        {
            total += Cost.Stage(Current.State(t), Current.Control(t));
            ensemble.Step(workspace, Current.State(t), Current.Control(t), Current.State(t + 1));
        }
        Current.Cost = total + Cost.Terminal(Current.State(horizon));
        return new PlanResult(Current, Current.Cost, config.Iterations, Converged: false);
    }

    // Mean particle cost of every candidate; a candidate with a non-finite particle (state or cost) costs +infinity.
    private void ScoreCandidates(ReadOnlySpan<double> x0)
    {
        int particles = config.Particles;
        for (int r = 0; r < rows; r++) x0.CopyTo(states.AsSpan(r * n, n));
        ensemble.DrawElites(rng, members);
        Array.Clear(costs);
        for (int t = 0; t < horizon; t++)
        {
            for (int r = 0; r < rows; r++)
            {
                int k = r / particles;
                samples.AsSpan((k * horizon + t) * m, m).CopyTo(controls.AsSpan(r * m, m));
                costs[k] += Cost.Stage(states.AsSpan(r * n, n), controls.AsSpan(r * m, m)) / particles;
            }
            if (config.Propagation == TrajectorySampling.TS1 && t > 0) ensemble.DrawElites(rng, members);
            ensemble.SampleBatch(workspace, states, controls, members, rng, next);
            // A particle whose next state is not finite makes its candidate cost +infinity; it holds its last finite
            // state so that the batch goes on.
            for (int r = 0; r < rows; r++)
            {
                Span<double> row = next.AsSpan(r * n, n);
                foreach (double v in row)
                {
                    if (double.IsFinite(v)) continue;
                    costs[r / particles] = double.PositiveInfinity;
                    states.AsSpan(r * n, n).CopyTo(row);
                    break;
                }
            }
            (next.AsSpan()).CopyTo(states);
        }
        for (int r = 0; r < rows; r++) costs[r / particles] += Cost.Terminal(states.AsSpan(r * n, n)) / particles;
        for (int k = 0; k < costs.Length; k++)
        {
            if (!double.IsFinite(costs[k])) costs[k] = double.PositiveInfinity;
        }
    }

    // None of the candidates has a finite mean particle cost: candidate 0 (the mean) is rolled out again on the
    // ensemble's mean prediction to name the time step and the quantity that first stopped being finite.
    private PlanningException NoFiniteCandidate(int iteration, ReadOnlySpan<double> x0)
    {
        string context = $"none of the {config.Population} candidates has a finite mean particle cost; candidate 0 on the mean prediction";
        return NonFiniteSearch.Rollout(ensemble, Cost, x0, samples.AsSpan(0, horizon * m), horizon) is { } found
            ? new NonFinitePlanException(Name, iteration, found.TimeStep, found.Quantity, found.Value, context)
            : new PlanningException($"{Name}: none of the {config.Population} candidates has a finite mean particle cost in iteration {iteration}, " +
                "while candidate 0 is finite on the ensemble's mean prediction: the sampled particles (the members' variances) are not finite.");
    }

    /// <inheritdoc />
    public void ShiftWarmStart(int steps) => Current.Shift(steps);

    /// <inheritdoc />
    public void Reset()
    {
        for (int t = 0; t < horizon; t++)
        {
            for (int i = 0; i < m; i++) Current.Controls[t * m + i] = double.IsFinite(lower[i] + upper[i]) ? 0.5 * (lower[i] + upper[i]) : 0;
        }
        rng = new Rng(config.Seed);
    }
}
