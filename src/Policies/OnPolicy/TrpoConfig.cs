using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>
/// Settings of <see cref="Trpo"/>. Defaults follow sb3-contrib's TRPO: 2048 transitions per rollout (here 2 envs x 1024),
/// max KL 0.01, CG 15 iterations with damping 0.1, line search 10 steps x 0.8, critic Adam 1e-3 for 10 epochs of
/// minibatches of 128, normalized advantages; except GAE lambda 0.98 (SB3: 0.95).
/// </summary>
public sealed record TrpoConfig : INaturalGradientSettings
{
    /// <summary>Parallel envs (default 2).</summary>
    public int Envs { get; init; } = 2;

    /// <summary>Steps per env per iteration (default 1024); a rollout holds Envs x StepsPerEnv transitions.</summary>
    public int StepsPerEnv { get; init; } = 1024;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda (default 0.98).</summary>
    public double GaeLambda { get; init; } = 0.98;

    /// <summary>Trust region radius delta: the largest mean KL(pi_old || pi_new) a step may have (default 0.01).</summary>
    public double MaxKl { get; init; } = 0.01;

    /// <summary>Conjugate gradient iteration cap (default 15).</summary>
    public int CgIterations { get; init; } = 15;

    /// <summary>Conjugate gradient stops once the residual norm is at most this (default 1e-10).</summary>
    public double CgResidualTolerance { get; init; } = 1e-10;

    /// <summary>Damping lambda added to the Fisher matrix, F + lambda I (default 0.1).</summary>
    public double CgDamping { get; init; } = 0.1;

    /// <summary>Step sizes tried by the backtracking line search: alpha^0 .. alpha^(n-1) of the full step (default 10).</summary>
    public int LineSearchSteps { get; init; } = 10;

    /// <summary>Backtracking factor alpha in (0, 1) (default 0.8).</summary>
    public double LineSearchShrink { get; init; } = 0.8;

    /// <summary>Normalize advantages to mean 0 and standard deviation 1 per rollout (default true).</summary>
    public bool NormalizeAdvantages { get; init; } = true;

    /// <summary>Adam learning rate of the critic (default 1e-3).</summary>
    public double CriticLearningRate { get; init; } = 1e-3;

    /// <summary>Passes of the critic over each rollout (default 10).</summary>
    public int CriticEpochs { get; init; } = 10;

    /// <summary>Minibatch size of the critic's Adam steps (default 128).</summary>
    public int CriticBatchSize { get; init; } = 128;

    /// <summary>Normalize observations by running statistics (default false).</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Initial log-std of a Gaussian policy (state-independent, learned; default 0).</summary>
    public double InitialLogStd { get; init; }

    /// <summary>Policy network (default 64-64 tanh).</summary>
    public NetworkConfig PolicyNetwork { get; init; } = new();

    /// <summary>Critic network (default 64-64 tanh).</summary>
    public NetworkConfig CriticNetwork { get; init; } = new();

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        const string owner = nameof(TrpoConfig);
        NaturalGradientRun.Validate(owner, this);
        ConfigChecks.Positive(owner, nameof(LineSearchSteps), LineSearchSteps);
        if (!(LineSearchShrink > 0 && LineSearchShrink < 1)) throw new ArgumentException($"{owner}.{nameof(LineSearchShrink)}: expected a factor in (0, 1), got {LineSearchShrink}.");
    }
}
