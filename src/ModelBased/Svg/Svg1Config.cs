using Control.Dynamics.Learned;
using Control.Tensors.NN;

namespace Control.ModelBased.Svg;

/// <summary>
/// Settings of <see cref="Svg1"/>. Defaults follow Heess et al. 2015 ("Learning Continuous Control Policies by Stochastic
/// Value Gradients": Adam, small tanh networks, a model refitted as data comes, importance weights truncated) with the
/// sizes measured on the pendulum here.
/// </summary>
public sealed record Svg1Config
{
    /// <summary>The experience-replay form SVG(1)-ER: updates on transitions of the whole replay, the value function importance-weighted (default false: the last iteration's transitions only, unweighted).</summary>
    public bool ExperienceReplay { get; init; }

    /// <summary>Env steps per iteration, collected before its updates (default 200).</summary>
    public int IterationSteps { get; init; } = 200;

    /// <summary>Env steps of uniformly random actions before the policy acts and learning begins (default 1000).</summary>
    public long RandomSteps { get; init; } = 1000;

    /// <summary>Gradient steps of the value and the policy per iteration (default 200: one per env step).</summary>
    public int GradientSteps { get; init; } = 200;

    /// <summary>Transitions per gradient step (default 256).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// Factor on the rewards in V's targets and in the policy's objective (default 1): V learns RewardScale times the
    /// value, which keeps its outputs within reach of Adam's steps on tasks whose costs run to thousands per episode, and
    /// the entropy weight acts against scaled rewards. Reported returns are unscaled.
    /// </summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Adam step size of the policy (default 3e-4).</summary>
    public double PolicyLearningRate { get; init; } = 3e-4;

    /// <summary>Adam step size of the value function (default 1e-3).</summary>
    public double ValueLearningRate { get; init; } = 1e-3;

    /// <summary>Polyak weight of the target value function that bootstraps V's targets (default 0.005).</summary>
    public double Tau { get; init; } = 0.005;

    /// <summary>
    /// Weight of the entropy estimate -log pi(a | s) added to the policy's objective (default 0.01): keeps the exploration
    /// noise from collapsing early. With <see cref="TargetEntropy"/> set, the weight's starting value.
    /// </summary>
    public double EntropyCoefficient { get; init; } = 0.01;

    /// <summary>
    /// Target of the policy's entropy in nats, to learn the entropy weight as Soft Actor-Critic learns its temperature
    /// ("Soft Actor-Critic Algorithms and Applications": log alpha descends -log alpha (log pi(a | s) + target)); null
    /// (the default) keeps the weight fixed at <see cref="EntropyCoefficient"/>. SAC's choice is minus the action count.
    /// </summary>
    public double? TargetEntropy { get; init; }

    /// <summary>Adam step size of the log entropy weight when it is learned (default 3e-4, SAC's).</summary>
    public double EntropyLearningRate { get; init; } = 3e-4;

    /// <summary>
    /// SVG(1)-ER: the V and policy batches come from the last ReplayWindow transitions (default 0: from the whole replay).
    /// The model is refitted on every transition either way. A window lets early transitions leave V's fit: a cart driven
    /// far out while V was still near its random start costs 1e4-1e5 per episode, and V fitted to those too spends itself
    /// on them (value loss 3-14 against 0.02-0.3 on the cart-pole) instead of resolving the swing-up.
    /// </summary>
    public int ReplayWindow { get; init; }

    /// <summary>Largest importance weight pi(a | s) / mu(a | s) of SVG(1)-ER (default 5; Heess et al. truncate the weights).</summary>
    public double MaxImportanceWeight { get; init; } = 5;

    /// <summary>Global norm the policy's gradient is clipped to (default 10).</summary>
    public double MaxGradientNorm { get; init; } = 10;

    /// <summary>Env steps between refits of the model (default 1000); the first fit is at the end of the random steps.</summary>
    public int ModelFitInterval { get; init; } = 1000;

    /// <summary>Hidden layers of the policy and of V (default 64-64).</summary>
    public int[] Hidden { get; init; } = [64, 64];

    /// <summary>Activation of the policy and of V (default tanh: smooth value gradients).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>State entries that are angles (sin/cos features for the networks, wrapped inputs for the model); set by the env's preset (default none).</summary>
    public int[] PeriodicStates { get; init; } = [];

    /// <summary>
    /// Whether the policy's (and V's) input takes the sine and cosine of the <see cref="PeriodicStates"/> alone (default
    /// false: of every state entry, the inference policy's periodic encoding). Sines of a cart's position or of a
    /// velocity oscillate along it, and with them the value gradient the policy ascends; the exported policy is the same
    /// either way (its first layer's weights on the dropped features are zero).
    /// </summary>
    public bool AngleFeaturesOnly { get; init; }

    /// <summary>The learned model f (default 64-64 tanh MLP, 30 epochs per refit continuing from the last weights, float32).</summary>
    public MlpDynamicsConfig Model { get; init; } = new() { Hidden = [64, 64], Epochs = 30, Patience = 5 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range.</summary>
    public void Validate()
    {
        const string owner = nameof(Svg1Config);
        SvgChecks.Require(owner, IterationSteps > 0, nameof(IterationSteps), IterationSteps, "a positive step count");
        SvgChecks.Require(owner, RandomSteps > 0, nameof(RandomSteps), RandomSteps, "a positive step count (the model needs data before the first update)");
        SvgChecks.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive count");
        SvgChecks.Require(owner, BatchSize > 0, nameof(BatchSize), BatchSize, "a positive batch size");
        SvgChecks.Require(owner, RewardScale > 0 && double.IsFinite(RewardScale), nameof(RewardScale), RewardScale, "a positive finite factor");
        SvgChecks.Require(owner, Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        SvgChecks.Require(owner, PolicyLearningRate > 0 && double.IsFinite(PolicyLearningRate), nameof(PolicyLearningRate), PolicyLearningRate, "a positive finite learning rate");
        SvgChecks.Require(owner, ValueLearningRate > 0 && double.IsFinite(ValueLearningRate), nameof(ValueLearningRate), ValueLearningRate, "a positive finite learning rate");
        SvgChecks.Require(owner, Tau is > 0 and <= 1, nameof(Tau), Tau, "a weight in (0, 1]");
        SvgChecks.Require(owner, EntropyCoefficient >= 0 && double.IsFinite(EntropyCoefficient), nameof(EntropyCoefficient), EntropyCoefficient, "a non-negative finite weight");
        SvgChecks.Require(owner, TargetEntropy is null || EntropyCoefficient > 0, nameof(EntropyCoefficient), EntropyCoefficient, "a positive starting weight when the weight is learned (TargetEntropy set)");
        SvgChecks.Require(owner, TargetEntropy is null || double.IsFinite(TargetEntropy.Value), nameof(TargetEntropy), TargetEntropy ?? 0, "a finite entropy in nats");
        SvgChecks.Require(owner, EntropyLearningRate > 0 && double.IsFinite(EntropyLearningRate), nameof(EntropyLearningRate), EntropyLearningRate, "a positive finite learning rate");
        SvgChecks.Require(owner, ReplayWindow >= 0, nameof(ReplayWindow), ReplayWindow, "a non-negative transition count (0: the whole replay)");
        SvgChecks.Require(owner, MaxImportanceWeight >= 1 && double.IsFinite(MaxImportanceWeight), nameof(MaxImportanceWeight), MaxImportanceWeight, "a finite weight of at least 1");
        SvgChecks.Require(owner, MaxGradientNorm > 0, nameof(MaxGradientNorm), MaxGradientNorm, "a positive norm");
        SvgChecks.Require(owner, ModelFitInterval > 0, nameof(ModelFitInterval), ModelFitInterval, "a positive step count");
        SvgChecks.Require(owner, Hidden is not null && Hidden.All(h => h > 0), nameof(Hidden), Hidden is null ? "null" : $"[{string.Join(", ", Hidden)}]", "positive layer widths");
        SvgChecks.Require(owner, Model is not null, nameof(Model), "null", "a model config");
    }
}
