// What TRPO and NPG share around their policy step: the policy and critic, the critic's Adam, the observation
// filter, the rollout collector and buffer, the generator and the last reported episode return; collection with
// GAE and (optionally) normalized advantages, the critic's fit, and the checkpoint sections. Each algorithm file
// keeps only its own step rule.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OnPolicy;

/// <summary>The shared state of one natural-gradient training run.</summary>
internal sealed class NaturalGradientRun
{
    private readonly IVectorEnv env;
    private readonly Adam criticOptimizer;
    private readonly RolloutCollector collector;
    private readonly RolloutBuffer buffer;
    private Rng rng;

    /// <summary>Checks that <paramref name="env"/> fits, builds the networks from <paramref name="seed"/> and resets the env with it.</summary>
    public NaturalGradientRun(string owner, IVectorEnv env, INaturalGradientSettings settings, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        if (env.Count != settings.Envs)
            throw new ArgumentException($"{owner}: expected a vector env of Envs = {settings.Envs} copies, got {env.Count}.");
        if (env.SingleActionSpace is not (Discrete or Box))
            throw new ArgumentException($"{owner}: expected a Discrete or Box action space, got {env.SingleActionSpace.Describe()}.");
        rng = new Rng(seed);
        Policy = StochasticPolicy.Create(env.ObservationSize, env.SingleActionSpace, settings.PolicyNetwork, rng, LogStdMode.StateIndependent, settings.InitialLogStd);
        Critic = new ValueNetwork(env.ObservationSize, settings.CriticNetwork, rng);
        criticOptimizer = new Adam(Critic.Parameters(), new AdamConfig { LearningRate = settings.CriticLearningRate });
        Filter = settings.NormalizeObservations ? new ObservationFilter(env.ObservationSize) : null;
        collector = new RolloutCollector(env, Filter);
        buffer = new RolloutBuffer(settings.StepsPerEnv, env.Count, env.ObservationSize, env.ActionSize);
        env.Reset(seed);
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid common option of <paramref name="owner"/>.</summary>
    public static void Validate(string owner, INaturalGradientSettings s)
    {
        ConfigChecks.Positive(owner, nameof(s.Envs), s.Envs);
        ConfigChecks.Positive(owner, nameof(s.StepsPerEnv), s.StepsPerEnv);
        if (s.Envs * s.StepsPerEnv < 2) throw new ArgumentException($"{owner}: expected a rollout of at least 2 transitions (Envs x StepsPerEnv), got {s.Envs * s.StepsPerEnv}.");
        ConfigChecks.UnitInterval(owner, nameof(s.Gamma), s.Gamma);
        ConfigChecks.UnitInterval(owner, nameof(s.GaeLambda), s.GaeLambda);
        ConfigChecks.Positive(owner, nameof(s.MaxKl), s.MaxKl);
        ConfigChecks.Positive(owner, nameof(s.CgIterations), s.CgIterations);
        ConfigChecks.NonNegative(owner, nameof(s.CgResidualTolerance), s.CgResidualTolerance);
        ConfigChecks.NonNegative(owner, nameof(s.CgDamping), s.CgDamping);
        ConfigChecks.Positive(owner, nameof(s.CriticLearningRate), s.CriticLearningRate);
        ConfigChecks.Positive(owner, nameof(s.CriticEpochs), s.CriticEpochs);
        ConfigChecks.Positive(owner, nameof(s.CriticBatchSize), s.CriticBatchSize);
        if (!double.IsFinite(s.InitialLogStd)) throw new ArgumentException($"{owner}.{nameof(s.InitialLogStd)}: expected a finite value, got {s.InitialLogStd}.");
        if (s.PolicyNetwork is null || s.CriticNetwork is null) throw new ArgumentException($"{owner}: expected {nameof(s.PolicyNetwork)} and {nameof(s.CriticNetwork)}, got null.");
        s.PolicyNetwork.Validate($"{owner}.{nameof(s.PolicyNetwork)}");
        s.CriticNetwork.Validate($"{owner}.{nameof(s.CriticNetwork)}");
    }

    /// <summary>pi_theta.</summary>
    public StochasticPolicy Policy { get; }

    /// <summary>V(s).</summary>
    public ValueNetwork Critic { get; }

    /// <summary>The observation filter, if any.</summary>
    public ObservationFilter? Filter { get; }

    /// <summary>Env steps taken.</summary>
    public long EnvSteps => collector.EnvSteps;

    /// <summary>Mean return of the episodes that ended in the last rollout (the previous value when none did).</summary>
    public double EpisodeReturn { get; private set; } = double.NaN;

    /// <summary>Collects a rollout with pi_k and returns its GAE advantages (normalized when asked).</summary>
    public float[] Collect(double gamma, double lambda, bool normalizeAdvantages)
    {
        long episodesBefore = collector.Episodes;
        collector.Collect(buffer, Policy, Critic, rng, gamma);
        buffer.ComputeAdvantages(gamma, lambda);
        EpisodeReturn = OnPolicyStatistics.EpisodeReturn(collector, episodesBefore, EpisodeReturn);
        float[] advantages = (float[])buffer.Advantages.Clone();
        if (normalizeAdvantages) Advantages.Normalize(advantages);
        return advantages;
    }

    /// <summary>The surrogate, KL and Fisher-vector products of the last rollout (open a TensorScope around its use).</summary>
    public PolicyUpdateBatch Batch(float[] advantages) => new(Policy, buffer.All(buffer.Observations, buffer.ObservationSize),
        buffer.All(buffer.Actions, buffer.ActionSize), Tensor.FromArray(buffer.LogProbs), Tensor.FromArray(advantages));

    /// <summary>Fits the critic to the last rollout's returns; returns the mean value loss.</summary>
    public double FitCritic(int epochs, int batchSize) => ValueFitting.Fit(Critic, criticOptimizer, buffer, epochs, batchSize, rng);

    /// <summary>Writes every section a run needs to resume exactly, with the algorithm's iteration count.</summary>
    public void Save(Checkpoint checkpoint, int iterations)
    {
        Policy.ToInference(Filter).Save(checkpoint);
        checkpoint.PutModule(CheckpointSections.Value, Critic);
        checkpoint.PutOptimizer(CheckpointSections.ValueOptimizer, criticOptimizer);
        checkpoint.PutFilter(CheckpointSections.ObservationFilter, Filter);
        checkpoint.PutRng(CheckpointSections.Rng, rng);
        checkpoint.PutEnv(CheckpointSections.Env, env);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            collector.WriteState(w);
            w.Write(iterations);
            w.Write(EpisodeReturn);
        });
    }

    /// <summary>Restores what <see cref="Save"/> wrote; returns the iteration count.</summary>
    public int Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(Policy);
        checkpoint.ReadModule(CheckpointSections.Value, Critic);
        checkpoint.ReadOptimizer(CheckpointSections.ValueOptimizer, criticOptimizer);
        checkpoint.ReadFilter(CheckpointSections.ObservationFilter, Filter);
        rng = checkpoint.GetRng(CheckpointSections.Rng);
        checkpoint.ReadEnv(CheckpointSections.Env, env);
        int iterations = 0;
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            collector.ReadState(r);
            iterations = r.ReadInt32();
            EpisodeReturn = r.ReadDouble();
        });
        return iterations;
    }
}
