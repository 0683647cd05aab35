using Control.Core.Envs;
using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>PPO's settings. Defaults are CleanRL's and SB3's for classic control with 8 envs.</summary>
public sealed record PpoConfig
{
    /// <summary>Parallel envs N (default 8).</summary>
    public int Envs { get; init; } = 8;

    /// <summary>Steps per env per iteration T (default 128); an iteration collects N T transitions.</summary>
    public int StepsPerEnv { get; init; } = 128;

    /// <summary>Passes over each rollout K (default 4).</summary>
    public int Epochs { get; init; } = 4;

    /// <summary>Minibatches per epoch (default 4); N T must be divisible by it.</summary>
    public int Minibatches { get; init; } = 4;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda (default 0.95).</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Adam step size (default 2.5e-4).</summary>
    public double LearningRate { get; init; } = 2.5e-4;

    /// <summary>Anneal the learning rate linearly to 0 over this many env steps (default 0: constant).</summary>
    public long AnnealSteps { get; init; }

    /// <summary>The surrogate (default clipped).</summary>
    public PpoObjective Objective { get; init; } = PpoObjective.Clip;

    /// <summary>Clip range eps of L_CLIP (default 0.2).</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Clip the value prediction to V_old +- this (default null: no value clipping).</summary>
    public double? ValueClipRange { get; init; }

    /// <summary>Target KL(pi_old || pi) of the adaptive penalty (default 0.01).</summary>
    public double KlTarget { get; init; } = 0.01;

    /// <summary>Initial penalty coefficient beta (default 1).</summary>
    public double InitialKlBeta { get; init; } = 1.0;

    /// <summary>Stop an iteration's epochs once the approximate KL exceeds 1.5 x this (default null: never).</summary>
    public double? TargetKl { get; init; }

    /// <summary>Weight of the entropy bonus (default 0).</summary>
    public double EntropyCoefficient { get; init; }

    /// <summary>Weight of the value loss E[(V - R)^2] (default 0.5).</summary>
    public double ValueCoefficient { get; init; } = 0.5;

    /// <summary>Global gradient-norm bound (default 0.5).</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Normalize advantages within each minibatch (default true).</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Normalize observations by running statistics (default false).</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Multiply rewards by this before learning (default 1; returns are reported unscaled).</summary>
    public double RewardScale { get; init; } = 1.0;

    /// <summary>Policy and value network layout (default 64-64 tanh, orthogonal initialization).</summary>
    public NetworkConfig Network { get; init; } = new();

    /// <summary>How a Gaussian policy holds its log-std (default one learned vector).</summary>
    public LogStdMode LogStd { get; init; } = LogStdMode.StateIndependent;

    /// <summary>Initial log-std of a Gaussian policy (default 0).</summary>
    public double InitialLogStd { get; init; }

    internal void Validate(IVectorEnv env)
    {
        ConfigChecks.Positive(nameof(PpoConfig), nameof(Envs), Envs);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(StepsPerEnv), StepsPerEnv);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(Epochs), Epochs);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(Minibatches), Minibatches);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(LearningRate), LearningRate);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(ClipRange), ClipRange);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(KlTarget), KlTarget);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(InitialKlBeta), InitialKlBeta);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(MaxGradNorm), MaxGradNorm);
        ConfigChecks.Positive(nameof(PpoConfig), nameof(RewardScale), RewardScale);
        ConfigChecks.NonNegative(nameof(PpoConfig), nameof(AnnealSteps), AnnealSteps);
        ConfigChecks.NonNegative(nameof(PpoConfig), nameof(EntropyCoefficient), EntropyCoefficient);
        ConfigChecks.NonNegative(nameof(PpoConfig), nameof(ValueCoefficient), ValueCoefficient);
        ConfigChecks.UnitInterval(nameof(PpoConfig), nameof(Gamma), Gamma);
        ConfigChecks.UnitInterval(nameof(PpoConfig), nameof(GaeLambda), GaeLambda);
        if (ValueClipRange is double v) ConfigChecks.Positive(nameof(PpoConfig), nameof(ValueClipRange), v);
        if (TargetKl is double k) ConfigChecks.Positive(nameof(PpoConfig), nameof(TargetKl), k);
        if (Envs * StepsPerEnv % Minibatches != 0)
            throw new ArgumentException($"PpoConfig.Minibatches: expected a divisor of Envs x StepsPerEnv = {Envs * StepsPerEnv}, got {Minibatches}.");
        if (env.Count != Envs)
            throw new ArgumentException($"PpoConfig.Envs: the config asks for {Envs} envs, the vector env has {env.Count}.");
        if (env.SingleActionSpace is Discrete d && (LogStd != LogStdMode.StateIndependent || InitialLogStd != 0))
            throw new ArgumentException($"PpoConfig.LogStd: a Gaussian policy's settings were given, but the env's action space is {d.Describe()} (a categorical policy).");
        Network.Validate(nameof(PpoConfig));
    }
}
