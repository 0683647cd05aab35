using Control.Policies.Common;

namespace Control.Policies.OffPolicy;

/// <summary>
/// Settings of <see cref="Svg0Gumbel"/>. The replay and target settings follow the other actor-critics here
/// (Stable-Baselines3's off-policy defaults: gamma 0.99, tau 0.005, one gradient step per env step); the network,
/// batch and learning rate are DQN's CartPole scale (64-64 ReLU, Adam 1e-3) rather than the continuous learners' 256-256;
/// the Gumbel temperature is Jang et al. 2017's ("Categorical Reparameterization with Gumbel-Softmax") straight-through
/// setting of 1; the learned entropy weight and its target entropy are Christodoulou 2019's ("Soft Actor-Critic for
/// Discrete Action Settings").
/// </summary>
public sealed record Svg0GumbelConfig
{
    /// <summary>Parallel env copies (default 1).</summary>
    public int Envs { get; init; } = 1;

    /// <summary>Adam step size of the actor and the critic (default 1e-3).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Transitions the replay buffer holds (default 1,000,000).</summary>
    public int BufferSize { get; init; } = 1_000_000;

    /// <summary>Env steps of uniformly random actions before learning begins (default 1000).</summary>
    public long LearningStarts { get; init; } = 1000;

    /// <summary>Transitions per gradient step (default 128).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Rewards summed per stored transition before bootstrapping (default 1: one-step targets).</summary>
    public int NSteps { get; init; } = 1;

    /// <summary>Polyak weight of the target critic's update (default 0.005).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>Vector-env steps collected per round, each round followed by <see cref="GradientSteps"/> (default 1).</summary>
    public int TrainFrequency { get; init; } = 1;

    /// <summary>Gradient steps per round (default 1): the update-to-data ratio is GradientSteps / (TrainFrequency x Envs).</summary>
    public int GradientSteps { get; init; } = 1;

    /// <summary>Vector-env steps per <see cref="Svg0Gumbel.Iterate"/>, a multiple of <see cref="TrainFrequency"/> (default 1000).</summary>
    public int IterationSteps { get; init; } = 1000;

    /// <summary>Temperature tau of the Gumbel-softmax relaxation (default 1).</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>
    /// The actor's sample is one-hot in value with the relaxed sample's gradient (default true): the critic is then only
    /// ever evaluated at the one-hot actions it was fitted on; false feeds it the relaxed sample itself.
    /// </summary>
    public bool StraightThrough { get; init; } = true;

    /// <summary>
    /// The entropy weight alpha at the start, in reward units per nat (default 1), and throughout when
    /// <see cref="LearnEntropyCoefficient"/> is false. The straight-through slope dQ/dy at a one-hot action is the
    /// critic's extrapolation along the simplex: a fixed weight of 0.01 or 0.1 drove CartPole's policy onto one action
    /// within 1000 gradient steps (entropy 1e-8, return 9), and even a fixed 1 let it collapse on one seed of three.
    /// </summary>
    public double EntropyCoefficient { get; init; } = 1.0;

    /// <summary>
    /// Learn alpha = exp(log alpha) against <see cref="TargetEntropyFraction"/> (default true), as Haarnoja et al. 2018
    /// ("Soft Actor-Critic Algorithms and Applications") do and Christodoulou 2019 ("Soft Actor-Critic for Discrete Action
    /// Settings") for Discrete actions, with the actor's Adam step size; false keeps <see cref="EntropyCoefficient"/>.
    /// </summary>
    public bool LearnEntropyCoefficient { get; init; } = true;

    /// <summary>
    /// The target entropy as a fraction of the uniform policy's log K nats (default 0.98, Christodoulou 2019's). The
    /// behaviour then stays close to uniform while the argmax (the deterministic policy) follows the critics; on CartPole
    /// a target of 0.5 log 2 lets the behaviour improve but its argmax learned slower (107 and 284 after 30,000 steps on
    /// seeds 1 and 2, against 481 and 231 at 0.98).
    /// </summary>
    public double TargetEntropyFraction { get; init; } = 0.98;

    /// <summary>
    /// The critics' targets carry the entropy term, -alpha log pi(a' | s') under the expectation over a' (default false):
    /// true fits the soft Q-function of maximum-entropy RL, as SAC does; false fits the plain Q of the current policy.
    /// Measured on CartPole with a learned alpha against 0.98 log 2: the soft Q grows with alpha (the entropy bonus
    /// summed over the horizon) and so does the straight-through slope that alpha has to balance, so alpha grew without
    /// bound (2300 after 30,000 steps, Q 2e4); with plain targets alpha settles near 10-14.
    /// </summary>
    public bool SoftTargets { get; init; }

    /// <summary>Hidden layers of the actor and of each critic (default 64-64 ReLU, PyTorch's default initialization).</summary>
    public NetworkConfig Network { get; init; } = new() { Hidden = [64, 64], Activation = Tensors.NN.Activation.Relu, Orthogonal = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(Svg0GumbelConfig);
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
        OptionCheck.Require(owner, Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), Temperature, "a positive finite temperature");
        OptionCheck.Require(owner, double.IsFinite(EntropyCoefficient) && (EntropyCoefficient > 0 || (EntropyCoefficient == 0 && !LearnEntropyCoefficient)), nameof(EntropyCoefficient), EntropyCoefficient,
            "a non-negative finite weight, positive when learned (its log is)");
        OptionCheck.Require(owner, TargetEntropyFraction >= 0 && TargetEntropyFraction <= 1, nameof(TargetEntropyFraction), TargetEntropyFraction, "a fraction of log K in [0, 1]");
        OptionCheck.Require(owner, Network is not null, nameof(Network), "null", "a network config");
        Network!.Validate(owner + "." + nameof(Network));
    }
}
