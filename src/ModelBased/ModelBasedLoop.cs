// The model-based loop of Fragkiadaki's lecture notes "End-to-end Model Based Reinforcement Learning": collect transitions with a base policy, fit a model f_phi(x, u) to them,
// plan through the frozen model, run the planner on the real system, append what it visited, and refit (data
// aggregation). The planner and the model are pluggable, so the same loop is `mpc-ilqr`, `mpc-cem` and `pets`
// (an ensemble with trajectory-sampling CEM); `bptt` swaps the planner for a policy trained through the model.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Dynamics.Data;

namespace Control.ModelBased;

/// <summary>The model-based loop; deterministic for a seed.</summary>
public sealed class ModelBasedLoop(IEnv env, IModelLearner learner, ModelBasedConfig? config = null)
{
    private readonly ModelBasedConfig config = Check(config ?? new ModelBasedConfig());

    /// <summary>The settings.</summary>
    public ModelBasedConfig Config => config;

    /// <summary>All transitions collected so far.</summary>
    public TransitionDataset Data { get; } = Dataset(env);

    /// <summary>Runs the loop until <see cref="ModelBasedConfig.TotalSteps"/> real steps are used; reports each iteration.</summary>
    public IReadOnlyList<ModelBasedIteration> Run(Action<ModelBasedIteration>? progress = null)
    {
        var iterations = new List<ModelBasedIteration>();
        TransitionCollector.Collect(env, null, Math.Min(config.RandomSteps, config.TotalSteps), config.Seed, Data);
        int used = Data.Count;
        double worst = double.NaN;
        for (int iteration = 1; used < config.TotalSteps; iteration++)
        {
            long start = Stopwatch.GetTimestamp();
            ModelFit fit = learner.Fit(Data);
            double fitSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;

            int before = Data.Count;
            int steps = Math.Min(config.StepsPerIteration, config.TotalSteps - used);
            IPolicy controller = learner.Controller(Data);
            IReadOnlyList<double> returns = TransitionCollector.Collect(env, controller, steps, config.Seed + 1000 * iteration, Data);
            used += Data.Count - before;
            foreach (double r in returns) worst = double.IsNaN(worst) ? r : Math.Min(worst, r);
            var record = new ModelBasedIteration(used, fit.HoldoutLoss, MultiStepError(learner.Model, Data, before, config.MultiStepHorizon),
                returns.Count > 0 ? returns[^1] : double.NaN, fitSeconds, fit.TransitionsPerSecond, worst, WatchedMpc.FallbacksOf(controller));
            iterations.Add(record);
            progress?.Invoke(record);
        }
        learner.Fit(Data);
        return iterations;
    }

    /// <summary>
    /// Mean squared error of open-loop predictions: from every H-th row in [from, Count) the model is rolled H
    /// steps along the recorded controls and compared with the recorded states (windows stop at episode ends).
    /// </summary>
    public static double MultiStepError(IDynamics model, TransitionDataset data, int from, int horizon)
    {
        int n = data.StateSize, m = data.ControlSize;
        DynamicsWorkspace workspace = model.CreateWorkspace();
        var x = new double[n];
        var next = new double[n];
        double total = 0;
        int count = 0;
        for (int start = from; start + horizon <= data.Count; start += horizon)
        {
            data.States.Slice(start * n, n).CopyTo(x);
            for (int k = 0; k < horizon; k++)
            {
                int row = start + k;
                if (k > 0 && !Same(data.NextStates.Slice((row - 1) * n, n), data.States.Slice(row * n, n))) break;
                model.Step(workspace, x, data.Controls.Slice(row * m, m), next);
                ReadOnlySpan<double> truth = data.NextStates.Slice(row * n, n);
                for (int i = 0; i < n; i++) total += (next[i] - truth[i]) * (next[i] - truth[i]);
                count += n;
                next.CopyTo(x, 0);
            }
        }
        return count == 0 ? double.NaN : total / count;
    }

    /// <summary>Mean return of <paramref name="episodes"/> seeded episodes of <paramref name="policy"/> (null: uniform random actions).</summary>
    public static double Evaluate(IEnv env, IPolicy? policy, int episodes, long seed) => episodes > 0 ? EvaluateEpisodes(env, policy, episodes, seed).Average() : double.NaN;

    /// <summary>The return of each of <paramref name="episodes"/> seeded episodes (seeds <paramref name="seed"/> + k) of <paramref name="policy"/> (null: uniform random actions).</summary>
    public static double[] EvaluateEpisodes(IEnv env, IPolicy? policy, int episodes, long seed)
    {
        var returns = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            IPolicy actor = policy ?? new RandomPolicy(env, seed + e);
            returns[e] = ClosedLoop.Run(env, actor, seed + e).Return;
        }
        return returns;
    }

    private static bool Same(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => a.SequenceEqual(b);

    private static TransitionDataset Dataset(IEnv env)
    {
        IStatefulEnv stateful = env.Find<IStatefulEnv>() ?? throw new ArgumentException(
            $"model-based loop: env '{env.Name}' does not expose its state (IStatefulEnv); the loop learns x' = f(x, u) on states.");
        return new TransitionDataset(stateful.StateSize, env.ActionSpace.FlatSize);
    }

    private static ModelBasedConfig Check(ModelBasedConfig c)
    {
        if (c.TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(c.TotalSteps), c.TotalSteps, "model-based loop: expected TotalSteps >= 1.");
        if (c.RandomSteps < 1) throw new ArgumentOutOfRangeException(nameof(c.RandomSteps), c.RandomSteps, "model-based loop: expected RandomSteps >= 1 (the first fit needs data).");
        if (c.StepsPerIteration < 1) throw new ArgumentOutOfRangeException(nameof(c.StepsPerIteration), c.StepsPerIteration, "model-based loop: expected StepsPerIteration >= 1.");
        if (c.MultiStepHorizon < 1) throw new ArgumentOutOfRangeException(nameof(c.MultiStepHorizon), c.MultiStepHorizon, "model-based loop: expected MultiStepHorizon >= 1.");
        return c;
    }

    // Uniform random actions from the env's action space, seeded; acts on the state only to satisfy IPolicy.
    private sealed class RandomPolicy(IEnv env, long seed) : IPolicy
    {
        private readonly Rng rng = new(seed);

        public int ObservationSize { get; } = env.Find<IStatefulEnv>()!.StateSize;
        public int ActionSize { get; } = env.ActionSpace.FlatSize;
        public void Act(ReadOnlySpan<double> observation, Span<double> action) => env.ActionSpace.Sample(rng, action);
        public void Reset() { }
    }
}
