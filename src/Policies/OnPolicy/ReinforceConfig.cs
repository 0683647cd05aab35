using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>Settings of <see cref="Reinforce"/>.</summary>
public sealed record ReinforceConfig
{
    /// <summary>Parallel envs that sample episodes (default 1: no partial episode is ever thrown away).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>
    /// Steps per batch: episodes are collected whole until their steps reach this many (default 5000). With several
    /// envs, the episodes still running when the batch is full are dropped (their steps still count as env steps).
    /// </summary>
    public int BatchSteps { get; init; } = 5000;

    /// <summary>Discount of the reward-to-go (default 0.99; 1 is the notes' undiscounted sum).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>The baseline (default the learned state value).</summary>
    public ReinforceBaseline Baseline { get; init; } = ReinforceBaseline.StateValue;

    /// <summary>
    /// Shift and scale the weights Q - b of the batch to mean 0 and standard deviation 1 (default true). Shifting is
    /// itself a constant baseline, so with this on None, Constant and OptimalConstant give the same update.
    /// </summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Adam step size of the policy (default 5e-3).</summary>
    public double LearningRate { get; init; } = 5e-3;

    /// <summary>Clip the policy gradient's global L2 norm to this (default null: no clipping).</summary>
    public double? MaxGradNorm { get; init; }

    /// <summary>The policy network (default 64-64 tanh, orthogonal initialization).</summary>
    public NetworkConfig Policy { get; init; } = new();

    /// <summary>How a Gaussian policy holds its log-std (Box action spaces only).</summary>
    public LogStdMode LogStd { get; init; } = LogStdMode.StateIndependent;

    /// <summary>Initial log-std of a Gaussian policy (Box action spaces only; default 0).</summary>
    public double InitialLogStd { get; init; }

    /// <summary>The value network of the <see cref="ReinforceBaseline.StateValue"/> baseline (default 64-64 tanh).</summary>
    public NetworkConfig Value { get; init; } = new();

    /// <summary>Adam step size of the value network (default 1e-3).</summary>
    public double ValueLearningRate { get; init; } = 1e-3;

    /// <summary>Passes over the batch when fitting the value network (default 10).</summary>
    public int ValueEpochs { get; init; } = 10;

    /// <summary>Minibatch size of the value regression (default 256).</summary>
    public int ValueMinibatchSize { get; init; } = 256;

    /// <summary>Normalize observations by running statistics (default false).</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Checks every option against the env; errors name the option, what was expected and what came.</summary>
    public void Validate(IVectorEnv env)
    {
        ArgumentNullException.ThrowIfNull(env);
        static void Positive(string name, double value)
        {
            if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentException($"ReinforceConfig.{name}: expected a positive finite number, got {value}.");
        }
        Positive(nameof(Envs), Envs);
        Positive(nameof(BatchSteps), BatchSteps);
        Positive(nameof(LearningRate), LearningRate);
        Positive(nameof(ValueLearningRate), ValueLearningRate);
        Positive(nameof(ValueEpochs), ValueEpochs);
        Positive(nameof(ValueMinibatchSize), ValueMinibatchSize);
        if (MaxGradNorm is double norm) Positive(nameof(MaxGradNorm), norm);
        if (!(Gamma >= 0 && Gamma <= 1)) throw new ArgumentException($"ReinforceConfig.Gamma: expected a discount in [0, 1], got {Gamma}.");
        if (!Enum.IsDefined(Baseline)) throw new ArgumentException($"ReinforceConfig.Baseline: expected one of {string.Join(", ", Enum.GetNames<ReinforceBaseline>())}, got {(int)Baseline}.");
        if (!double.IsFinite(InitialLogStd)) throw new ArgumentException($"ReinforceConfig.InitialLogStd: expected a finite number, got {InitialLogStd}.");
        if (env.Count != Envs) throw new ArgumentException($"ReinforceConfig.Envs: the config asks for {Envs} envs, the vector env has {env.Count}.");
        Policy.Validate("ReinforceConfig.Policy");
        Value.Validate("ReinforceConfig.Value");
        OnPolicyChecks.ActionSpace("ReinforceConfig", env.SingleActionSpace, LogStd, InitialLogStd);
    }
}
