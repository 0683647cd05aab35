// A2C, the synchronous advantage actor-critic of seed 004 (Mnih et al. 2016, "Asynchronous Methods for Deep
// Reinforcement Learning", run synchronously on a vector env as in OpenAI Baselines and Stable-Baselines3):
//   1. run the policy for a few steps in each of N envs (the rollout collector, with V_old(s) from the critic),
//   2. advantages by GAE(lambda) (lambda = 1: the n-step return bootstrapped with V minus V),
//   3. one gradient step on  -mean(log pi(a|s) A) + c_v mean((V(s) - R)^2) - c_e mean(H[pi(.|s)]),
//      with the policy gradient weighted exactly as in REINFORCE's pseudo-loss, the critic as the state baseline.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies;

/// <summary>The optimizer of <see cref="A2c"/>.</summary>
public enum A2cOptimizer
{
    /// <summary>RMSprop (alpha <see cref="A2cConfig.RmsPropAlpha"/>, epsilon <see cref="A2cConfig.OptimizerEpsilon"/>), the paper's and SB3's choice.</summary>
    RmsProp,

    /// <summary>Adam (epsilon <see cref="A2cConfig.OptimizerEpsilon"/>).</summary>
    Adam,
}

/// <summary>Settings of <see cref="A2c"/> (defaults: Stable-Baselines3's A2C).</summary>
public sealed record A2cConfig
{
    /// <summary>Parallel envs N (default 8, the RL Zoo's CartPole setting).</summary>
    public int Envs { get; init; } = 8;

    /// <summary>Steps per env per update T (default 5): one update uses T x N transitions.</summary>
    public int StepsPerEnv { get; init; } = 5;

    /// <summary>Step size (default 7e-4).</summary>
    public double LearningRate { get; init; } = 7e-4;

    /// <summary>Anneal the step size linearly to zero over <see cref="AnnealSteps"/> env steps (default false).</summary>
    public bool AnnealLearningRate { get; init; }

    /// <summary>Env steps of the linear annealing (default 500,000).</summary>
    public long AnnealSteps { get; init; } = 500_000;

    /// <summary>The optimizer (default RMSprop).</summary>
    public A2cOptimizer Optimizer { get; init; } = A2cOptimizer.RmsProp;

    /// <summary>RMSprop's decay of the squared-gradient average (default 0.99).</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>Epsilon of the optimizer's denominator (default 1e-5).</summary>
    public double OptimizerEpsilon { get; init; } = 1e-5;

    /// <summary>Discount (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda (default 1.0: plain n-step advantages).</summary>
    public double GaeLambda { get; init; } = 1.0;

    /// <summary>Weight of the entropy bonus (default 0).</summary>
    public double EntropyCoefficient { get; init; }

    /// <summary>Weight of the value loss (default 0.5).</summary>
    public double ValueCoefficient { get; init; } = 0.5;

    /// <summary>Clip the gradient's global L2 norm to this (default 0.5).</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Normalize the advantages of each update to mean 0 and standard deviation 1 (default false, as SB3).</summary>
    public bool NormalizeAdvantages { get; init; }

    /// <summary>Normalize observations by running statistics (default false).</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>
    /// Multiply rewards by this before computing advantages and value targets (default 1). Keeps the value loss from
    /// taking the whole clipped gradient norm on envs with large returns (Acrobot: -1 per step).
    /// </summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>The policy network (default 64-64 tanh, orthogonal initialization).</summary>
    public NetworkConfig Policy { get; init; } = new();

    /// <summary>The critic's network (default 64-64 tanh, orthogonal initialization; separate from the policy's, as SB3).</summary>
    public NetworkConfig Value { get; init; } = new();

    /// <summary>How a Gaussian policy holds its log-std (Box action spaces only).</summary>
    public LogStdMode LogStd { get; init; } = LogStdMode.StateIndependent;

    /// <summary>Initial log-std of a Gaussian policy (Box action spaces only; default 0).</summary>
    public double InitialLogStd { get; init; }

    /// <summary>Checks every option against the env; errors name the option, what was expected and what came.</summary>
    public void Validate(VectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        static void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentException($"A2cConfig.{name}: expected a positive finite number, got {value}.");
        }
        static void NonNegative(string name, double value)
        {
            if (!(value >= 0) || !double.IsFinite(value)) throw new ArgumentException($"A2cConfig.{name}: expected a non-negative finite number, got {value}.");
        }
        static void UnitInterval(string name, double value)
        {
            if (!(value >= 0 && value <= 1)) throw new ArgumentException($"A2cConfig.{name}: expected a number in [0, 1], got {value}.");
        }
        Positive(nameof(Envs), Envs);
        Positive(nameof(StepsPerEnv), StepsPerEnv);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(AnnealSteps), AnnealSteps);
        Positive(nameof(MaxGradNorm), MaxGradNorm);
        Positive(nameof(RewardScale), RewardScale);
        NonNegative(nameof(OptimizerEpsilon), OptimizerEpsilon);
        NonNegative(nameof(EntropyCoefficient), EntropyCoefficient);
        NonNegative(nameof(ValueCoefficient), ValueCoefficient);
        UnitInterval(nameof(Gamma), Gamma);
        UnitInterval(nameof(GaeLambda), GaeLambda);
        if (!(RmsPropAlpha >= 0 && RmsPropAlpha < 1)) throw new ArgumentException($"A2cConfig.RmsPropAlpha: expected a number in [0, 1), got {RmsPropAlpha}.");
        if (!Enum.IsDefined(Optimizer)) throw new ArgumentException($"A2cConfig.Optimizer: expected one of {string.Join(", ", Enum.GetNames<A2cOptimizer>())}, got {(int)Optimizer}.");
        if (!double.IsFinite(InitialLogStd)) throw new ArgumentException($"A2cConfig.InitialLogStd: expected a finite number, got {InitialLogStd}.");
        if (env.Count != Envs) throw new ArgumentException($"A2cConfig.Envs: the config asks for {Envs} envs, the vector env has {env.Count}.");
        Policy.Validate("A2cConfig.Policy");
        Value.Validate("A2cConfig.Value");
        OnPolicyChecks.ActionSpace("A2cConfig", env.SingleActionSpace, LogStd, InitialLogStd);
    }
}

/// <summary>Synchronous advantage actor-critic with GAE(lambda), an entropy bonus and a value loss.</summary>
public sealed class A2c : IAlgorithm
{
    private readonly VectorEnv env;
    private readonly A2cConfig config;
    private readonly StochasticPolicy policy;
    private readonly ValueNetwork critic;
    private readonly Tensor[] parameters;
    private readonly Optimizer optimizer;
    private readonly RolloutBuffer buffer;
    private readonly RolloutCollector collector;
    private Rng rng;

    /// <summary>A2C on <paramref name="env"/> (with <see cref="A2cConfig.Envs"/> copies); every random choice follows <paramref name="seed"/>.</summary>
    public A2c(VectorEnv env, A2cConfig config, long seed)
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
            optimizer.ZeroGrad();
            loss.Backward();
            gradNorm = Gradients.ClipByGlobalNorm(parameters, config.MaxGradNorm);
            optimizer.Step();
            policyLoss = policyTerm.Item();
            valueLoss = valueTerm.Item();
            entropy = entropyTerm.Item();
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
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(policy, collector.Filter, deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint)
    {
        checkpoint.PutModule("a2c/policy", policy);
        checkpoint.PutModule("a2c/critic", critic);
        checkpoint.PutOptimizer("a2c/optimizer", optimizer);
        checkpoint.PutFilter("a2c/filter", collector.Filter);
        checkpoint.PutRng("a2c/rng", rng);
        checkpoint.PutEnv("a2c/env", env);
        checkpoint.Put("a2c/counters", w =>
        {
            collector.WriteState(w);
            w.Write(Iterations);
        });
    }

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint)
    {
        checkpoint.ReadModule("a2c/policy", policy);
        checkpoint.ReadModule("a2c/critic", critic);
        checkpoint.ReadOptimizer("a2c/optimizer", optimizer);
        checkpoint.ReadFilter("a2c/filter", collector.Filter);
        rng = checkpoint.GetRng("a2c/rng");
        checkpoint.ReadEnv("a2c/env", env);
        checkpoint.Read("a2c/counters", r =>
        {
            collector.ReadState(r);
            Iterations = r.ReadInt32();
        });
    }
}
