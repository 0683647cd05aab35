using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Settings of <see cref="Sac"/>. Defaults are those of Haarnoja et al. 2018 ("Soft Actor-Critic Algorithms and
/// Applications", table 1) as Stable-Baselines3's SAC has them: Adam 3e-4 for actor, critics and temperature, batch 256,
/// tau 0.005, gamma 0.99, 256-256 ReLU networks, one gradient step per env step, learned temperature against a target
/// entropy of -A.
/// </summary>
public sealed record SacConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size of the actor, the critics and the temperature (default 3e-4).</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100, Stable-Baselines3's).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Factor on the rewards in the critics' targets (default 1): the critics learn RewardScale times the soft value, so
    /// the temperature weighs the entropy against scaled rewards and the critics' outputs stay within reach of Adam's
    /// steps on tasks whose costs run to thousands per episode. Reported returns are unscaled.
    /// </summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Polyak weight of the target critics' update (default 0.005).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Vector-env steps collected per round, each round followed by <see cref="GradientSteps"/> (default 1).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>
    /// Gradient steps per round (default 1): the update-to-data ratio is GradientSteps / (TrainFrequency x Envs)
    /// gradient steps per env step.
    /// </summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Gradient steps between target-critic updates (default 1).</summary>
    public int TargetUpdateInterval { get; init; } = 1;

    /// <summary>Vector-env steps per <see cref="Sac.Iterate"/>, a multiple of <see cref="TrainFrequency"/> (default 1000: one metrics row per 1000 steps of one env).</summary>
    public int IterationSteps { get; init; } = 1000;

    /// <summary>Learn the temperature alpha against <see cref="TargetEntropy"/> (default true); false keeps alpha at <see cref="InitialAlpha"/>.</summary>
    public bool LearnAlpha { get; init; } = true;

    /// <summary>The temperature at the start (default 1, Stable-Baselines3's "auto" start).</summary>
    public double InitialAlpha { get; init; } = 1.0;

    /// <summary>Target entropy of the normalized action in nats; null is -A, the action dimension (default null).</summary>
    public double? TargetEntropy { get; init; }

    /// <summary>Hidden layers of the actor and of each critic (default 256-256 ReLU, PyTorch's default initialization).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(SacConfig);
        OptionCheck.Require(owner, Envs > 0, nameof(Envs), Envs, "at least one env");
        OptionCheck.Require(owner, LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        OptionCheck.Require(owner, BufferSize > 0, nameof(BufferSize), BufferSize, "a positive buffer size");
        OptionCheck.Require(owner, LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "a non-negative step count");
        OptionCheck.Require(owner, BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        OptionCheck.Require(owner, RewardScale > 0 && double.IsFinite(RewardScale), nameof(RewardScale), RewardScale, "a positive finite factor");
        OptionCheck.Require(owner, Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        OptionCheck.Require(owner, Tau > 0 && Tau <= 1, nameof(Tau), Tau, "a target update weight in (0, 1]");
        OptionCheck.Require(owner, TrainFrequency > 0, nameof(TrainFrequency), TrainFrequency, "a positive number of steps per round");
        OptionCheck.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive number of gradient steps per round");
        OptionCheck.Require(owner, TargetUpdateInterval > 0, nameof(TargetUpdateInterval), TargetUpdateInterval, "a positive number of gradient steps");
        OptionCheck.Require(owner, IterationSteps > 0 && IterationSteps % TrainFrequency == 0, nameof(IterationSteps), IterationSteps, $"a positive multiple of TrainFrequency ({TrainFrequency})");
        OptionCheck.Require(owner, InitialAlpha > 0 && double.IsFinite(InitialAlpha), nameof(InitialAlpha), InitialAlpha, "a positive finite temperature");
        OptionCheck.Require(owner, TargetEntropy is null || double.IsFinite(TargetEntropy.Value), nameof(TargetEntropy), TargetEntropy!, "a finite entropy or null for -A");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
