using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Settings of <see cref="Ddpg"/>. Defaults are Stable-Baselines3's DDPG (Adam 1e-3, batch 256, tau 0.005, gamma 0.99:
/// TD3's settings without its three changes), with Gaussian exploration 0.1 in units of the Box's half-range and
/// 256-256 ReLU networks. Lillicrap et al. 2016 ("Continuous control with deep reinforcement learning") used
/// Ornstein-Uhlenbeck noise (theta 0.15, sigma 0.2; <see cref="ExplorationNoise.OrnsteinUhlenbeck"/>), 400-300 networks,
/// Adam 1e-4 for the actor and 1e-3 for the critic, tau 0.001 and batches of 64.
/// </summary>
public sealed record DdpgConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size of the actor and the critics (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100, Stable-Baselines3's).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Polyak weight of the target networks' updates (default 0.005).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Vector-env steps collected per round, each round followed by <see cref="GradientSteps"/> (default 1).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Gradient steps per round (default 1): the update-to-data ratio is GradientSteps / (TrainFrequency x Envs).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Vector-env steps per <see cref="Ddpg.Iterate"/>, a multiple of <see cref="TrainFrequency"/> (default 1000).</summary>
    public int IterationSteps { get; init; } = 1000;

    /// <summary>Exploration noise kind (default Gaussian).</summary>
    public ExplorationNoise Noise { get; init; } = ExplorationNoise.Gaussian;

    /// <summary>Exploration noise scale sigma (default 0.1).</summary>
    public double NoiseSigma { get; init; } = 0.1;

    /// <summary>Ornstein-Uhlenbeck reversion rate theta (default 0.15).</summary>
    public double NoiseTheta { get; init; } = 0.15;

    /// <summary>Ornstein-Uhlenbeck time step (default 0.01).</summary>
    public double NoiseDt { get; init; } = 0.01;

    /// <summary>Hidden layers of the actor and of each critic (default 256-256 ReLU, PyTorch's default initialization).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(DdpgConfig);
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
        OptionCheck.Require(owner, Enum.IsDefined(Noise), nameof(Noise), Noise, "Gaussian or OrnsteinUhlenbeck");
        OptionCheck.Require(owner, NoiseSigma >= 0 && double.IsFinite(NoiseSigma), nameof(NoiseSigma), NoiseSigma, "a finite noise scale >= 0");
        OptionCheck.Require(owner, NoiseTheta >= 0 && double.IsFinite(NoiseTheta), nameof(NoiseTheta), NoiseTheta, "a finite rate >= 0");
        OptionCheck.Require(owner, NoiseDt > 0 && double.IsFinite(NoiseDt), nameof(NoiseDt), NoiseDt, "a positive finite time step");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
