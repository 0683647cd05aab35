using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>Settings of <see cref="Dqn"/>. Defaults are Stable-Baselines3's DQN defaults unless noted.</summary>
public sealed record DqnConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size (default 1e-4).</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Vector-env steps collected per iteration, each followed by training (default 4).</summary>
    public int TrainFrequency { get; init; } = 4;

    /// <summary>Gradient steps per iteration; -1 takes as many as env steps were collected (default 1).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Env steps between target-network updates (default 10,000).</summary>
    public long TargetUpdateInterval { get; init; } = 10_000;

    /// <summary>Target update weight: 1 copies the online network (hard update), less than 1 Polyak-averages (default 1).</summary>
    public double Tau { get; init; } = 1.0;

    /// <summary>Exploration rate at the start (default 1).</summary>
    public double InitialEpsilon { get; init; } = 1.0;

    /// <summary>Exploration rate after <see cref="ExplorationSteps"/> (default 0.05).</summary>
    public double FinalEpsilon { get; init; } = 0.05;

    /// <summary>
    /// Env steps over which epsilon falls linearly to <see cref="FinalEpsilon"/> (default 10,000; SB3's exploration
    /// fraction times the budget, kept absolute here so that a resumed run follows the same schedule).
    /// </summary>
    public long ExplorationSteps { get; init; } = 10_000;

    /// <summary>Threshold |d| between the quadratic and linear parts of the Huber loss (default 1).</summary>
    public double HuberDelta { get; init; } = 1.0;

    /// <summary>Bound on the global L2 norm of the gradient (default 10).</summary>
    public double MaxGradNorm { get; init; } = 10.0;

    /// <summary>Hidden layers of the Q-network (default 64-64 ReLU with PyTorch's default initialization, as SB3's DQN).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [64, 64], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Double DQN: the online network picks a*, the target network values it (default off).</summary>
    public bool Double { get; init; }

    /// <summary>Dueling heads Q = V + A - mean A (default off).</summary>
    public bool Dueling { get; init; }

    /// <summary>Proportional prioritized replay (default off).</summary>
    public bool Prioritized { get; init; }

    /// <summary>Steps summed into each stored return (default 1: one-step Q-learning).</summary>
    public int NSteps { get; init; } = 1;

    /// <summary>Prioritized replay's exponent alpha (default 0.6, Schaul et al.'s proportional variant).</summary>
    public double PriorityAlpha { get; init; } = 0.6;

    /// <summary>Prioritized replay's importance exponent beta at the start (default 0.4), annealed linearly to 1.</summary>
    public double PriorityBeta { get; init; } = 0.4;

    /// <summary>Env steps over which beta reaches 1 (default 100,000).</summary>
    public long PriorityBetaSteps { get; init; } = 100_000;

    /// <summary>Added to |TD error| to make a priority (default 1e-6).</summary>
    public double PriorityEpsilon { get; init; } = 1e-6;

    /// <summary>
    /// CartPole-v1: the RL Zoo's hyperparameters (exploration fraction 0.16 of 50k steps) with 3-step returns and 32
    /// gradient steps per 256 env steps instead of 1-step returns and 128: with the Zoo's settings (or 64 gradient
    /// steps) the final greedy policy often collapses below 475 at 50k steps; this preset ends at 499-500 on seeds 1-5
    /// (bench/RESULTS.md, 2026-12-02).
    /// </summary>
    public static DqnConfig CartPole => new()
    {
        LearningRate = 2.3e-3, BatchSize = 64, BufferSize = 100_000, LearningStarts = 1000, Gamma = 0.99, TargetUpdateInterval = 10,
        TrainFrequency = 256, GradientSteps = 32, ExplorationSteps = 8000, FinalEpsilon = 0.04, NSteps = 3,
        Network = new NetworkConfig { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false },
    };

    /// <summary>The RL Zoo's Acrobot-v1 hyperparameters (exploration fraction 0.12 of 100k steps).</summary>
    public static DqnConfig Acrobot => new()
    {
        LearningRate = 6.3e-4, BatchSize = 128, BufferSize = 50_000, LearningStarts = 0, Gamma = 0.99, TargetUpdateInterval = 250,
        TrainFrequency = 4, GradientSteps = -1, ExplorationSteps = 12_000, FinalEpsilon = 0.1,
        Network = new NetworkConfig { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false },
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string option, object value, string expected)
        {
            if (!ok) throw new ArgumentException($"DqnConfig.{option}: expected {expected}, got {value}.");
        }
        Require(Envs > 0, nameof(Envs), Envs, "at least one env");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        Require(BufferSize > 0, nameof(BufferSize), BufferSize, "a positive buffer size");
        Require(LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "a non-negative step count");
        Require(BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        Require(Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        Require(TrainFrequency > 0, nameof(TrainFrequency), TrainFrequency, "a positive number of steps per iteration");
        Require(GradientSteps > 0 || GradientSteps == -1, nameof(GradientSteps), GradientSteps, "a positive count, or -1 for one per env step collected");
        Require(TargetUpdateInterval > 0, nameof(TargetUpdateInterval), TargetUpdateInterval, "a positive step count");
        Require(Tau > 0 && Tau <= 1, nameof(Tau), Tau, "a target update weight in (0, 1]");
        Require(InitialEpsilon >= 0 && InitialEpsilon <= 1, nameof(InitialEpsilon), InitialEpsilon, "a probability in [0, 1]");
        Require(FinalEpsilon >= 0 && FinalEpsilon <= 1, nameof(FinalEpsilon), FinalEpsilon, "a probability in [0, 1]");
        Require(ExplorationSteps > 0, nameof(ExplorationSteps), ExplorationSteps, "a positive step count");
        Require(HuberDelta > 0 && double.IsFinite(HuberDelta), nameof(HuberDelta), HuberDelta, "a positive finite threshold");
        Require(MaxGradNorm > 0, nameof(MaxGradNorm), MaxGradNorm, "a positive gradient norm bound");
        Require(Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(nameof(DqnConfig) + "." + nameof(Network));
        Require(NSteps >= 1, nameof(NSteps), NSteps, "at least one step");
        Require(PriorityAlpha >= 0 && double.IsFinite(PriorityAlpha), nameof(PriorityAlpha), PriorityAlpha, "a finite exponent >= 0");
        Require(PriorityBeta >= 0 && PriorityBeta <= 1, nameof(PriorityBeta), PriorityBeta, "an exponent in [0, 1]");
        Require(PriorityBetaSteps > 0, nameof(PriorityBetaSteps), PriorityBetaSteps, "a positive step count");
        Require(PriorityEpsilon > 0, nameof(PriorityEpsilon), PriorityEpsilon, "a positive priority floor");
    }
}
