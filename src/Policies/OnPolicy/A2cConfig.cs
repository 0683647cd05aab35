using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

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
    public void Validate(IVectorEnv env)
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
