// SVG(inf) (Heess et al. 2015, "Learning Continuous Control Policies by Stochastic Value Gradients", algorithm 1; the
// lecture notes "End-to-end Model Based Reinforcement Learning"): no value function, only a dynamics model f with
// s' = f(s, a) + zeta. Each iteration:
//   act       IterationSteps env steps with a = pi(s, eta), eta ~ N(0, I) (uniform random for the first RandomSteps);
//   model     every ModelFitInterval env steps, refit f on every transition (continuing from its weights);
//   update    GradientSteps times: on the RecentEpisodes last finished episodes, take every policy noise eta_t as drawn
//             when acting (for a random warm-up action, the eta under which the policy of that time gives it) and infer
//             every model noise zeta_t = s_{t+1} - f(s_t, a_t); freeze them, and ascend
//             sum_t gamma^t r(s_t, a_t) + EntropyCoefficient sum_t -log pi(a_t | s_t) of the trajectory rebuilt from its
//             recorded first state through a_t = pi(s_t, eta_t; theta), s_{t+1} = f(s_t, a_t) + zeta_t (backpropagation
//             through time on the real trajectory: at the acting theta it is the real trajectory, so the model's errors do
//             not accumulate; the model only supplies the derivatives). r = -l is the env's cost.
// The noises stay those of the acting policy while theta moves: the rebuilt trajectory then leaves the recorded one
// as the policy changes, so the objective sees the consequences of a step (inferring eta anew under every theta would
// rebuild the recorded actions whatever theta is, and the steps would extrapolate one linearization without end).
// With Horizon set, windows of H steps from random starts replace the whole episodes (shorter products of Jacobians).
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Dynamics;
using Control.Dynamics.Learned;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.ModelBased.Svg;

/// <summary>SVG(inf) on one env with a state and a differentiable cost.</summary>
public sealed class SvgInf : IAlgorithm
{
    private readonly SvgInfConfig config;
    private readonly DifferentiableCost cost;
    private readonly MlpDynamics model;
    private readonly SvgActor actor;
    private readonly Adam actorOptimizer;
    private readonly SvgReplay replay;
    private readonly SvgCollector collector;
    private readonly int n, m;
    private Rng windowRng;
    private long lastFitSteps;

    /// <summary>SVG(inf) on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice follows from the seed.</summary>
    /// <exception cref="ArgumentException">The env has no state or differentiable cost, its actions are not a bounded Box, or an option is out of range.</exception>
    public SvgInf(IEnv env, SvgInfConfig config, long seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        this.config = config;
        (IStatefulEnv stateful, Core.Models.ICost envCost, Box bounds) = SvgChecks.Env(env, Name);
        n = stateful.StateSize;
        m = bounds.FlatSize;
        cost = new DifferentiableCost(envCost);
        var root = new Rng(seed);
        model = new MlpDynamics(n, m, bounds, config.Model with { Seed = seed, PeriodicStates = config.PeriodicStates });
        actor = new SvgActor(n, bounds, config.PeriodicStates, config.Hidden, config.Activation, root.Fork(0), config.AngleFeaturesOnly);
        actorOptimizer = new Adam(actor.Parameters(), new AdamConfig { LearningRate = config.PolicyLearningRate });
        replay = new SvgReplay(n, m);
        collector = new SvgCollector(env, stateful, actor, replay, config.RandomSteps, root.Fork(1), seed);
        windowRng = root.Fork(2);
    }

    /// <inheritdoc />
    public string Name => "svginf";

    /// <summary>The settings.</summary>
    public SvgInfConfig Config => config;

    /// <summary>The policy.</summary>
    public SvgActor Actor => actor;

    /// <summary>The learned dynamics model.</summary>
    public MlpDynamics Model => model;

    /// <summary>The recorded transitions.</summary>
    public SvgReplay Replay => replay;

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <inheritdoc />
    public PolicyInput Input => PolicyInput.State;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        collector.Collect(config.IterationSteps);
        double modelLoss = double.NaN, objective = 0, entropy = 0;
        int steps = 0;
        IReadOnlyList<(int Start, int Length)> episodes = replay.Episodes;
        if (collector.EnvSteps >= config.RandomSteps && episodes.Count > 0)
        {
            modelLoss = replay.RefitIfDue(model, collector.EnvSteps, config.ModelFitInterval, ref lastFitSteps);
            var recent = episodes.Skip(Math.Max(0, episodes.Count - config.RecentEpisodes)).ToArray();
            for (int g = 0; g < config.GradientSteps; g++, steps++)
            {
                (double j, double h) = TrainStep(Windows(recent));
                objective += j;
                entropy += h;
            }
        }
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.MeanEpisodeReturn,
            ["rollout/episodes"] = collector.EpisodeCount,
            ["train/trajectory_return"] = steps > 0 ? objective / steps : double.NaN,
            ["train/entropy"] = steps > 0 ? entropy / steps : double.NaN,
            ["train/model_holdout_mse"] = modelLoss,
        };
    }

    // The differentiated trajectories: the recent episodes whole, or Windows windows of Horizon steps inside them.
    private (int Start, int Length)[] Windows((int Start, int Length)[] episodes)
    {
        if (config.Horizon is not int h) return episodes;
        var windows = new (int, int)[config.Windows];
        for (int k = 0; k < windows.Length; k++)
        {
            (int start, int length) = episodes[windowRng.NextInt(episodes.Length)];
            int span = Math.Min(h, length);
            windows[k] = (start + windowRng.NextInt(length - span + 1), span);
        }
        return windows;
    }

    // One gradient step on the frozen-noise return of the trajectories; returns its mean return and entropy per step.
    private (double Objective, double Entropy) TrainStep((int Start, int Length)[] windows)
    {
        using var scope = TensorScope.Begin();
        Tensor? total = null;
        double entropySum = 0;
        int entropyTerms = 0;
        foreach (IGrouping<int, (int Start, int Length)> group in windows.GroupBy(w => w.Length))
        {
            (int Start, int Length)[] rows = [.. group];
            int count = rows.Length, length = group.Key;
            (Tensor initial, Tensor[] noise, Tensor[] zeta) = FrozenNoises(rows, length);
            var entropies = new List<Tensor>();
            Tensor Act(Tensor s, Tensor eta)
            {
                (Tensor a, Tensor negativeLogProb) = actor.ActWithEntropy(s, eta);
                entropies.Add(negativeLogProb.Mean());
                return a;
            }
            Tensor j = SvgObjectives.Trajectory(Act, model, cost, initial, noise, zeta, config.Gamma);
            Tensor h = entropies.Aggregate((x, y) => x + y);
            Tensor part = (j + config.EntropyCoefficient * h) * ((double)count / windows.Length);
            total = total is null ? part : total + part;
            entropySum += h.Item();
            entropyTerms += entropies.Count;
        }
        double value = NonFiniteLossException.Check(Name, Iterations, "trajectory return", total!.Item());
        actorOptimizer.ZeroGrad();
        total.Neg().Backward();
        Gradients.ClipByGlobalNorm(actor.Parameters(), config.MaxGradientNorm);
        actorOptimizer.Step();
        return (value, entropySum / entropyTerms);
    }

    /// <summary>
    /// The first states (W, n) of windows of one length L, and per step t the policy noises (W, m) of the acting policy
    /// and the model noises (W, n) under the current model: with them the acting policy and the model rebuild the recorded windows.
    /// </summary>
    public (Tensor Initial, Tensor[] Noise, Tensor[] Zeta) FrozenNoises(IReadOnlyList<(int Start, int Length)> windows, int length)
    {
        int w = windows.Count, rows = w * length;
        var s = new double[rows * n];
        var a = new double[rows * m];
        var eta = new double[rows * m];
        var next = new double[rows * n];
        for (int k = 0; k < w; k++)
        {
            (int start, int windowLength) = windows[k];
            if (windowLength != length || start < 0 || start + length > replay.Count)
                throw new ArgumentException($"SVG(inf): expected windows of {length} steps inside the {replay.Count} recorded transitions, got ({start}, {windowLength}).");
            for (int t = 0; t < length; t++)
            {
                int row = start + t, at = t * w + k;
                replay.States.Slice(row * n, n).CopyTo(s.AsSpan(at * n));
                replay.Actions.Slice(row * m, m).CopyTo(a.AsSpan(at * m));
                replay.Noises.Slice(row * m, m).CopyTo(eta.AsSpan(at * m));
                replay.NextStates.Slice(row * n, n).CopyTo(next.AsSpan(at * n));
            }
        }
        double[] zeta = SvgObjectives.ModelNoise(model, s, a, next, rows);
        var noises = new Tensor[length];
        var zetas = new Tensor[length];
        for (int t = 0; t < length; t++)
        {
            noises[t] = Tensor.FromArray(eta.AsSpan(t * w * m, w * m).ToArray(), w, m);
            zetas[t] = Tensor.FromArray(zeta.AsSpan(t * w * n, w * n).ToArray(), w, n);
        }
        return (Tensor.FromArray(s.AsSpan(0, w * n).ToArray(), w, n), noises, zetas);
    }

    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => actor.ToInference();

    /// <summary>The policy over the robot's state: a = mid + half * tanh(mean(s)), or a sample from a generator seeded with <paramref name="seed"/>.</summary>
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(SvgSections.Actor, actor);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.Put(SvgSections.Model, model.WriteState);
        checkpoint.Put(SvgSections.Replay, replay.Write);
        checkpoint.Put(SvgSections.Collector, collector.Write);
        checkpoint.PutRng(CheckpointSections.Rng + "/exploration", collector.Rng);
        checkpoint.PutRng(CheckpointSections.Rng + "/windows", windowRng);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            w.Write(Iterations);
            w.Write(lastFitSteps);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadModule(SvgSections.Actor, actor);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, actorOptimizer);
        checkpoint.Read(SvgSections.Model, model.ReadState);
        checkpoint.Read(SvgSections.Replay, replay.Read);
        checkpoint.Read(SvgSections.Collector, collector.Read);
        Rng exploration = checkpoint.GetRng(CheckpointSections.Rng + "/exploration");
        Rng windows = checkpoint.GetRng(CheckpointSections.Rng + "/windows");
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            Iterations = r.ReadInt32();
            lastFitSteps = r.ReadInt64();
        });
        collector.Rng = exploration;
        windowRng = windows;
    }
}
