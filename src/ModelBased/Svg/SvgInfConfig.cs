using Control.Dynamics.Learned;
using Control.Tensors.NN;

namespace Control.ModelBased.Svg;

/// <summary>
/// Settings of <see cref="SvgInf"/>. Defaults follow Heess et al. 2015 ("Learning Continuous Control Policies by Stochastic
/// Value Gradients": Adam, small tanh networks, the model refitted after every episode) with the sizes measured on the
/// pendulum here.
/// </summary>
public sealed record SvgInfConfig
{
    /// <summary>Env steps per iteration, collected before its updates (default 200: one pendulum episode).</summary>
    public int IterationSteps { get; init; } = 200;

    /// <summary>Env steps of uniformly random actions before the policy acts and learning begins (default 1000).</summary>
    public long RandomSteps { get; init; } = 1000;

    /// <summary>Policy gradient steps per iteration (default 20).</summary>
    public int GradientSteps { get; init; } = 20;

    /// <summary>The most recent finished episodes whose trajectories each gradient step differentiates (default 8).</summary>
    public int RecentEpisodes { get; init; } = 8;

    /// <summary>
    /// Steps per differentiated trajectory (default null: every whole episode from its first state, the form of the
    /// lecture notes); a number H differentiates <see cref="Windows"/> windows of H steps from random starts inside the episodes.
    /// </summary>
    public int? Horizon { get; init; }

    /// <summary>Windows per gradient step when <see cref="Horizon"/> is set (default 64).</summary>
    public int Windows { get; init; } = 64;

    /// <summary>Discount gamma of the differentiated return (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>Adam step size of the policy (default 1e-3).</summary>
    public double PolicyLearningRate { get; init; } = 1e-3;

    /// <summary>Weight of the entropy estimate -log pi(a | s) per step added to the objective (default 0.01).</summary>
    public double EntropyCoefficient { get; init; } = 0.01;

    /// <summary>Global norm the policy's gradient is clipped to (default 10): a long product of Jacobians can explode.</summary>
    public double MaxGradientNorm { get; init; } = 10;

    /// <summary>Env steps between refits of the model (default 200: after every pendulum episode).</summary>
    public int ModelFitInterval { get; init; } = 200;

    /// <summary>Hidden layers of the policy (default 64-64).</summary>
    public int[] Hidden { get; init; } = [64, 64];

    /// <summary>Activation of the policy (default tanh).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>State entries that are angles; set by the env's preset (default none).</summary>
    public int[] PeriodicStates { get; init; } = [];

    /// <summary>
    /// Whether the policy's input takes the sine and cosine of the <see cref="PeriodicStates"/> alone (default
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
        const string owner = nameof(SvgInfConfig);
        SvgChecks.Require(owner, IterationSteps > 0, nameof(IterationSteps), IterationSteps, "a positive step count");
        SvgChecks.Require(owner, RandomSteps > 0, nameof(RandomSteps), RandomSteps, "a positive step count (the model needs data before the first update)");
        SvgChecks.Require(owner, GradientSteps > 0, nameof(GradientSteps), GradientSteps, "a positive count");
        SvgChecks.Require(owner, RecentEpisodes > 0, nameof(RecentEpisodes), RecentEpisodes, "a positive count");
        SvgChecks.Require(owner, Horizon is null or > 0, nameof(Horizon), Horizon!, "a positive step count or null (whole episodes)");
        SvgChecks.Require(owner, Windows > 0, nameof(Windows), Windows, "a positive count");
        SvgChecks.Require(owner, Gamma is >= 0 and <= 1, nameof(Gamma), Gamma, "a discount in [0, 1]");
        SvgChecks.Require(owner, PolicyLearningRate > 0 && double.IsFinite(PolicyLearningRate), nameof(PolicyLearningRate), PolicyLearningRate, "a positive finite learning rate");
        SvgChecks.Require(owner, EntropyCoefficient >= 0 && double.IsFinite(EntropyCoefficient), nameof(EntropyCoefficient), EntropyCoefficient, "a non-negative finite weight");
        SvgChecks.Require(owner, MaxGradientNorm > 0, nameof(MaxGradientNorm), MaxGradientNorm, "a positive norm");
        SvgChecks.Require(owner, ModelFitInterval > 0, nameof(ModelFitInterval), ModelFitInterval, "a positive step count");
        SvgChecks.Require(owner, Hidden is not null && Hidden.All(h => h > 0), nameof(Hidden), Hidden is null ? "null" : $"[{string.Join(", ", Hidden)}]", "positive layer widths");
        SvgChecks.Require(owner, Model is not null, nameof(Model), "null", "a model config");
    }
}
