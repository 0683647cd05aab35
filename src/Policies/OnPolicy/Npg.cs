// Natural policy gradient (Kakade 2002), as 001's Algorithm 1: collect a rollout with pi_k, estimate advantages
// by GAE, form the surrogate gradient g and the KL Hessian-vector product, solve F x = g by conjugate gradient
// and step theta_{k+1} = theta_k + alpha x, either with a fixed alpha or with alpha = sqrt(2 delta / x^T F x) so
// that the quadratic model of the KL equals delta. No line search: that is what TRPO adds (Trpo.cs).
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies;

/// <summary>How <see cref="Npg"/> sizes its step along the natural gradient x = F^-1 g.</summary>
public enum NaturalStepRule
{
    /// <summary>alpha = sqrt(2 MaxKl / x^T F x): the step whose quadratic KL model equals MaxKl.</summary>
    KlNormalized,

    /// <summary>alpha = StepSize.</summary>
    Fixed,
}

/// <summary>Settings of <see cref="Npg"/>: those of <see cref="TrpoConfig"/> without the line search, plus the step rule.</summary>
public sealed record NpgConfig : INaturalGradientSettings
{
    /// <summary>Parallel envs (default 2).</summary>
    public int Envs { get; init; } = 2;

    /// <summary>Steps per env per iteration (default 1024); a rollout holds Envs x StepsPerEnv transitions.</summary>
    public int StepsPerEnv { get; init; } = 1024;

    /// <summary>Discount gamma (default 0.99).</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda (default 0.98).</summary>
    public double GaeLambda { get; init; } = 0.98;

    /// <summary>KL radius delta of <see cref="NaturalStepRule.KlNormalized"/> steps (default 0.01).</summary>
    public double MaxKl { get; init; } = 0.01;

    /// <summary>Conjugate gradient iteration cap (default 15).</summary>
    public int CgIterations { get; init; } = 15;

    /// <summary>Conjugate gradient stops once the residual norm is at most this (default 1e-10).</summary>
    public double CgResidualTolerance { get; init; } = 1e-10;

    /// <summary>Damping lambda added to the Fisher matrix, F + lambda I (default 0.1).</summary>
    public double CgDamping { get; init; } = 0.1;

    /// <summary>How the step is sized (default <see cref="NaturalStepRule.KlNormalized"/>).</summary>
    public NaturalStepRule StepRule { get; init; } = NaturalStepRule.KlNormalized;

    /// <summary>alpha of <see cref="NaturalStepRule.Fixed"/> steps (default 0.1).</summary>
    public double StepSize { get; init; } = 0.1;

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
        const string owner = nameof(NpgConfig);
        NaturalGradientRun.Validate(owner, this);
        ConfigChecks.Positive(owner, nameof(StepSize), StepSize);
    }
}


/// <summary>Natural policy gradient on a vector env, for Discrete (categorical policy) or Box (Gaussian policy) action spaces.</summary>
public sealed class Npg : IAlgorithm
{
    private readonly NpgConfig config;
    private readonly NaturalGradientRun run;

    /// <summary>NPG on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice comes from <paramref name="seed"/>.</summary>
    public Npg(VectorEnv env, NpgConfig config, long seed)
    {
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        run = new NaturalGradientRun("Npg", env, config, seed);
    }

    /// <inheritdoc />
    public string Name => "npg";

    /// <inheritdoc />
    public long EnvSteps => run.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>The policy network.</summary>
    public StochasticPolicy PolicyNetwork => run.Policy;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        // Collect a set of trajectories on pi_k and estimate advantages.
        float[] advantages = run.Collect(config.Gamma, config.GaeLambda, config.NormalizeAdvantages);

        double improvement, kl, alpha, entropy;
        ConjugateGradientResult cg;
        using (TensorScope.Begin())
        {
            PolicyUpdateBatch batch = run.Batch(advantages);
            entropy = batch.OldEntropy();

            // The natural gradient x ~ F^-1 g by conjugate gradient on Fisher-vector products.
            double[] thetaOld = NaturalGradient.GetParameters(run.Policy);
            double[] g = batch.SurrogateGradient();
            (double surrogateOld, _) = batch.Evaluate();
            cg = NaturalGradient.ConjugateGradient(v => batch.FisherVectorProduct(v, config.CgDamping), g, config.CgIterations, config.CgResidualTolerance);
            double[] x = cg.Solution;

            // theta_{k+1} = theta_k + alpha x.
            alpha = config.StepSize;
            if (config.StepRule == NaturalStepRule.KlNormalized)
            {
                double xFx = NaturalGradient.Dot(x, batch.FisherVectorProduct(x, config.CgDamping));
                alpha = xFx > 0 && double.IsFinite(xFx) ? Math.Sqrt(2 * config.MaxKl / xFx) : 0;
            }
            NaturalGradient.SetParameters(run.Policy, NaturalGradient.AddScaled(thetaOld, alpha, x));
            (double surrogateNew, double klNew) = batch.Evaluate();
            improvement = surrogateNew - surrogateOld;
            kl = klNew;
        }
        double valueLoss = run.FitCritic(config.CriticEpochs, config.CriticBatchSize);
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = run.EpisodeReturn,
            ["train/surrogate_improvement"] = improvement,
            ["train/kl"] = kl,
            ["train/step_size"] = alpha,
            ["train/cg_iterations"] = cg.Iterations,
            ["train/cg_residual"] = cg.ResidualNorm,
            ["train/entropy"] = entropy,
            ["train/value_loss"] = valueLoss,
        };
    }

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(run.Policy, run.Filter, deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint) => run.Save(checkpoint, Iterations);

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint) => Iterations = run.Load(checkpoint);
}
