using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Settings of <see cref="Svg0"/>. Heess et al. 2015 ("Learning Continuous Control Policies by Stochastic Value
/// Gradients") fix no off-the-shelf defaults for SVG(0) with replay, so the replay, batch, network and target settings
/// are those of the other actor-critics here (Stable-Baselines3's SAC: Adam 3e-4, batch 256, tau 0.005, gamma 0.99,
/// 256-256 ReLU networks, one gradient step per env step); the entropy bonus is this learner's own (see
/// <see cref="EntropyCoefficient"/>).
/// </summary>
public sealed record Svg0Config
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size of the actor and the critic (default 3e-4).</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 100, Stable-Baselines3's).</summary>
    public long LearningStarts { get; init; } = 100;

    /// <summary>Transitions per gradient step (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>
    /// Rewards summed per stored transition before bootstrapping, y = sum_j gamma^j r_j + gamma^k Q'(s_k, a'), (default
    /// 1: one-step targets). The notes fit Q "e.g. with TD(lambda)"; n-step returns are the replay-friendly stand-in.
    /// </summary>
    public int NSteps { get; init; } = 1;

    /// <summary>Polyak weight of the target critic's update (default 0.005).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Vector-env steps collected per round, each round followed by <see cref="GradientSteps"/> (default 1).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Gradient steps per round (default 1): the update-to-data ratio is GradientSteps / (TrainFrequency x Envs).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Vector-env steps per <see cref="Svg0.Iterate"/>, a multiple of <see cref="TrainFrequency"/> (default 1000).</summary>
    public int IterationSteps { get; init; } = 1000;

    /// <summary>
    /// Weight c of the entropy bonus in the actor's loss -Q(s, a) + c log pi(a | s) (default 0.01, in reward units per
    /// nat of the normalized action). Without it the pathwise gradient of a concave-looking Q shrinks sigma to the
    /// clamp and the policy stops exploring; a small fixed bonus keeps it open without SAC's temperature tuning.
    /// On Pendulum it barely matters (seed 1, 10,000 steps, 64-64 networks: 0, 0.01 and 0.1 evaluate at -134, -135, -137).
    /// </summary>
    public double EntropyCoefficient { get; init; } = 0.01;

    /// <summary>Hidden layers of the actor and of the critic (default 256-256 ReLU, PyTorch's default initialization).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [256, 256], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(Svg0Config);
        OptionCheck.Require(owner, Envs > 0, nameof(Envs), Envs, "at least one env");
        OptionCheck.Require(owner, LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive finite learning rate");
        OptionCheck.Require(owner, BufferSize > 0, nameof(BufferSize), BufferSize, "a positive buffer size");
        OptionCheck.Require(owner, LearningStarts >= 0, nameof(LearningStarts), LearningStarts, "a non-negative step count");
        OptionCheck.Require(owner, BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        OptionCheck.Require(owner, Gamma >= 0 && Gamma <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        OptionCheck.Require(owner, NSteps > 0, nameof(NSteps), NSteps, "at least one step per return");
        OptionCheck.Require(owner, Tau > 0 && Tau <= 1, nameof(Tau), Tau, "a target update weight in (0, 1]");
        OptionCheck.Require(owner, TrainFrequency > 0, nameof(TrainFrequency), TrainFrequency, "a positive number of steps per round");
        OptionCheck.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive number of gradient steps per round");
        OptionCheck.Require(owner, IterationSteps > 0 && IterationSteps % TrainFrequency == 0, nameof(IterationSteps), IterationSteps, $"a positive multiple of TrainFrequency ({TrainFrequency})");
        OptionCheck.Require(owner, EntropyCoefficient >= 0 && double.IsFinite(EntropyCoefficient), nameof(EntropyCoefficient), EntropyCoefficient, "a non-negative finite weight");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
