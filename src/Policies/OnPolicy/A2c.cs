// A2C, the synchronous advantage actor-critic of the "Practical Deep Reinforcement Learning" notes (Mnih et al. 2016, "Asynchronous Methods for Deep
// Reinforcement Learning", run synchronously on a vector env as in OpenAI Baselines and Stable-Baselines3):
//   1. run the policy for a few steps in each of N envs (the rollout collector, with V_old(s) from the critic),
//   2. advantages by GAE(lambda) (lambda = 1: the n-step return bootstrapped with V minus V),
//   3. one gradient step on  -mean(log pi(a|s) A) + c_v mean((V(s) - R)^2) - c_e mean(H[pi(.|s)]),
//      with the policy gradient weighted exactly as in REINFORCE's pseudo-loss, the critic as the state baseline.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies.OnPolicy;

/// <summary>Synchronous advantage actor-critic with GAE(lambda), an entropy bonus and a value loss.</summary>
public sealed class A2c : IAlgorithm
{
    private readonly IVectorEnv env;
    private readonly A2cConfig config;
    private readonly StochasticPolicy policy;
    private readonly ValueNetwork critic;
    private readonly Tensor[] parameters;
    private readonly Optimizer optimizer;
    private readonly RolloutBuffer buffer;
    private readonly RolloutCollector collector;
    private Rng rng;

    /// <summary>A2C on <paramref name="env"/> (with <see cref="A2cConfig.Envs"/> copies); every random choice follows <paramref name="seed"/>.</summary>
    public A2c(IVectorEnv env, A2cConfig config, long seed)
    {
        this.env = env ?? throw new ArgumentNullException(nameof(env));
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate(env);
        var root = new Rng(seed);
        int o = env.ObservationSize;
        policy = StochasticPolicy.Create(o, env.SingleActionSpace, config.Policy, root.Fork(0), config.LogStd, config.InitialLogStd);
        critic = new ValueNetwork(o, config.Value, root.Fork(1));
        parameters = [.. policy.Parameters(), .. critic.Parameters()];
        optimizer = config.Optimizer == A2cOptimizer.RmsProp
            ? new RmsProp(parameters, new RmsPropConfig { LearningRate = config.LearningRate, Alpha = config.RmsPropAlpha, Epsilon = config.OptimizerEpsilon })
            : new Adam(parameters, new AdamConfig { LearningRate = config.LearningRate, Epsilon = config.OptimizerEpsilon });
        buffer = new RolloutBuffer(config.StepsPerEnv, env.Count, o, env.ActionSize);
        collector = new RolloutCollector(env, config.NormalizeObservations ? new ObservationFilter(o) : null);
        rng = root.Fork(2);
        env.Reset(seed);
    }

    /// <inheritdoc />
    public string Name => "a2c";

    /// <inheritdoc />
    public long EnvSteps => collector.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>The policy being trained.</summary>
    public StochasticPolicy Network => policy;

    /// <summary>The critic V(s).</summary>
    public ValueNetwork Critic => critic;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        if (config.AnnealLearningRate)
            optimizer.LearningRate = config.LearningRate * Math.Max(0, 1 - (double)EnvSteps / config.AnnealSteps);

        // 1. T steps of N envs with the current policy and critic.
        collector.Collect(buffer, policy, critic, rng, config.Gamma, config.RewardScale);

        // 2. GAE(lambda) advantages and the critic's targets.
        buffer.ComputeAdvantages(config.Gamma, config.GaeLambda);
        if (config.NormalizeAdvantages) Advantages.Normalize(buffer.Advantages);

        // 3. One step on policy loss + c_v value loss - c_e entropy.
        double policyLoss, valueLoss, entropy, gradNorm;
        using (TensorScope.Begin())
        {
            int n = buffer.Count;
            Tensor x = buffer.All(buffer.Observations, env.ObservationSize);
            IActionDistribution pi = policy.Distribution(x);
            Tensor advantages = Tensor.FromArray(buffer.Advantages, n);
            Tensor policyTerm = (pi.LogProb(buffer.All(buffer.Actions, env.ActionSize)) * advantages).Mean().Neg();
            Tensor valueTerm = Loss.Mse(critic.Values(x), Tensor.FromArray(buffer.Returns, n));
            Tensor entropyTerm = pi.Entropy().Mean();
            Tensor loss = policyTerm + valueTerm * config.ValueCoefficient - entropyTerm * config.EntropyCoefficient;
            // A NaN or infinite term (a reward, an observation or a weight gone bad) stops training before the step.
            policyLoss = NonFiniteLossException.Check(Name, Iterations, "policy loss", policyTerm.Item());
            valueLoss = NonFiniteLossException.Check(Name, Iterations, "value loss", valueTerm.Item());
            entropy = NonFiniteLossException.Check(Name, Iterations, "entropy", entropyTerm.Item());
            optimizer.ZeroGrad();
            loss.Backward();
            gradNorm = Gradients.ClipByGlobalNorm(parameters, config.MaxGradNorm);
            optimizer.Step();
        }

        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = collector.RecentReturns.Count > 0 ? collector.RecentReturns.Average() : double.NaN,
            ["rollout/episodes"] = collector.Episodes,
            ["train/policy_loss"] = policyLoss,
            ["train/value_loss"] = valueLoss,
            ["train/entropy"] = entropy,
            ["train/grad_norm"] = gradNorm,
            ["train/learning_rate"] = optimizer.LearningRate,
        };
    }

    /// <inheritdoc />
    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => policy.ToInference(collector.Filter);

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        InferencePolicy().Save(checkpoint);
        checkpoint.PutModule(CheckpointSections.Value, critic);
        checkpoint.PutOptimizer(CheckpointSections.Optimizer, optimizer);
        checkpoint.PutFilter(CheckpointSections.ObservationFilter, collector.Filter);
        checkpoint.PutRng(CheckpointSections.Rng, rng);
        checkpoint.PutEnv(CheckpointSections.Env, env);
        checkpoint.Put(CheckpointSections.Counters, w =>
        {
            collector.WriteState(w);
            w.Write(Iterations);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadPolicy(policy);
        checkpoint.ReadModule(CheckpointSections.Value, critic);
        checkpoint.ReadOptimizer(CheckpointSections.Optimizer, optimizer);
        checkpoint.ReadFilter(CheckpointSections.ObservationFilter, collector.Filter);
        rng = checkpoint.GetRng(CheckpointSections.Rng);
        checkpoint.ReadEnv(CheckpointSections.Env, env);
        checkpoint.Read(CheckpointSections.Counters, r =>
        {
            collector.ReadState(r);
            Iterations = r.ReadInt32();
        });
    }
}
