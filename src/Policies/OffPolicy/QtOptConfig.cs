using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Settings of <see cref="QtOpt"/>. The cross-entropy maximizer's defaults are Kalashnikov et al. 2018's ("QT-Opt:
/// Scalable Deep Reinforcement Learning for Vision-Based Robotic Manipulation": 64 samples, 6 elites, 2 iterations);
/// the learner's are the continuous actor-critics' of this library (TD3's: Adam 1e-3, batch 256, tau 0.005, gamma
/// 0.99, 256-256 ReLU critics), since the paper's distributed, vision-based setting has no counterpart here.
/// </summary>
public sealed record QtOptConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size of the critics (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100, as TD3's).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Polyak weight of the target critics' updates after every gradient step (default 0.005, TD3's).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Vector-env steps collected per round, each round followed by <see cref="GradientSteps"/> (default 1).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Critic gradient steps per round (default 1): the update-to-data ratio is GradientSteps / (TrainFrequency x Envs).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Vector-env steps per <see cref="QtOpt.Iterate"/>, a multiple of <see cref="TrainFrequency"/> (default 1000).</summary>
    public int IterationSteps { get; init; } = 1000;

    /// <summary>Cross-entropy samples per state and iteration (default 64, the paper's).</summary>
    public int CemSamples { get; init; } = 64;

    /// <summary>Highest-scoring samples that refit the cross-entropy Gaussian (default 6, the paper's).</summary>
    public int CemElites { get; init; } = 6;

    /// <summary>Cross-entropy sample-and-refit rounds (default 2, the paper's).</summary>
    public int CemIterations { get; init; } = 2;

    /// <summary>
    /// Standard deviation of the first cross-entropy Gaussian around 0 in the normalized action box (default 1: the
    /// first round covers [-1, 1] with about a third of its samples clipped onto the bounds, where torque-limited
    /// optima such as the pendulum's often lie).
    /// </summary>
    public double CemInitialStd { get; init; } = 1.0;

    /// <summary>Probability of a uniformly random action instead of the greedy one while collecting (default 0.1; the paper explores epsilon-greedily).</summary>
    public double Epsilon { get; init; } = 0.1;

    /// <summary>Gaussian noise added to the greedy normalized action while collecting (default 0: epsilon-greedy only).</summary>
    public double NoiseSigma { get; init; }

    /// <summary>Hidden layers of each critic (default 256-256 ReLU, PyTorch's default initialization).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(QtOptConfig);
        OptionCheck.Require(owner, Envs > 0, nameof(Envs), Envs, "at least one env");
        OptionCheck.Require(owner, LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        OptionCheck.Require(owner, BufferSize > 0, nameof(BufferSize), BufferSize, "a positive buffer size");
        OptionCheck.Require(owner, LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "a non-negative step count");
        OptionCheck.Require(owner, BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        OptionCheck.Require(owner, Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        OptionCheck.Require(owner, Tau > 0 && Tau <= 1, nameof(Tau), Tau, "a target update weight in (0, 1]");
        OptionCheck.Require(owner, TrainFrequency > 0, nameof(TrainFrequency), TrainFrequency, "a positive number of steps per round");
        OptionCheck.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive number of gradient steps per round");
        OptionCheck.Require(owner, IterationSteps > 0 && IterationSteps % TrainFrequency == 0, nameof(IterationSteps), IterationSteps, $"a positive multiple of TrainFrequency ({TrainFrequency})");
        OptionCheck.Require(owner, CemSamples > 0, nameof(CemSamples), CemSamples, "a positive number of samples");
        OptionCheck.Require(owner, CemElites > 0 && CemElites <= CemSamples, nameof(CemElites), CemElites, $"between 1 and CemSamples ({CemSamples})");
        OptionCheck.Require(owner, CemIterations > 0, nameof(CemIterations), CemIterations, "a positive number of iterations");
        OptionCheck.Require(owner, CemInitialStd > 0 && double.IsFinite(CemInitialStd), nameof(CemInitialStd), CemInitialStd, "a positive finite standard deviation");
        OptionCheck.Require(owner, Epsilon >= 0 && Epsilon <= 1, nameof(Epsilon), Epsilon, "a probability in [0, 1]");
        OptionCheck.Require(owner, NoiseSigma >= 0 && double.IsFinite(NoiseSigma), nameof(NoiseSigma), NoiseSigma, "a finite noise scale >= 0");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
