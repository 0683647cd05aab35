// Trust Region Policy Optimization (Schulman et al. 2015), as 001's Algorithm 3 with the line search of its
// Algorithm 2: collect a rollout with pi_k, estimate advantages by GAE, form the surrogate gradient g and the
// KL Hessian-vector product, solve F x = g by conjugate gradient, scale to the trust region's edge
// Delta = sqrt(2 delta / x^T F x) x, and backtrack theta_k + alpha^j Delta until the surrogate improves AND the
// mean KL(pi_k || pi_theta) <= delta; if no step does both, keep theta_k. The critic is fitted separately by Adam.
using Control.Dynamics;
using Control.Tensors;
using Control.Tensors.Optim;

namespace Control.Policies;

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

/// <summary>What the backtracking line search did.</summary>
/// <param name="Accepted">Whether a step satisfied both conditions.</param>
/// <param name="Backtracks">j of the accepted step alpha^j (or the number of steps tried when none was accepted).</param>
/// <param name="Parameters">The accepted parameters, or the start when none was accepted.</param>
/// <param name="Surrogate">The surrogate at <paramref name="Parameters"/>.</param>
/// <param name="Kl">The mean KL at <paramref name="Parameters"/> (0 at the start).</param>
public sealed record LineSearchResult(bool Accepted, int Backtracks, double[] Parameters, double Surrogate, double Kl);

/// <summary>TRPO on a vector env, for Discrete (categorical policy) or Box (Gaussian policy) action spaces.</summary>
public sealed class Trpo : IAlgorithm
{
    private readonly TrpoConfig config;
    private readonly NaturalGradientRun run;

    /// <summary>TRPO on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice comes from <paramref name="seed"/>.</summary>
    public Trpo(VectorEnv env, TrpoConfig config, long seed)
    {
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        run = new NaturalGradientRun("Trpo", env, config, seed);
    }

    /// <inheritdoc />
    public string Name => "trpo";

    /// <inheritdoc />
    public long EnvSteps => run.EnvSteps;

    /// <inheritdoc />
    public int Iterations { get; private set; }

    /// <summary>The policy network.</summary>
    public StochasticPolicy PolicyNetwork => run.Policy;

    /// <summary>The config.</summary>
    public TrpoConfig Config => config;

    /// <inheritdoc />
    public IReadOnlyDictionary<string, double> Iterate()
    {
        // Collect a set of trajectories on pi_k and estimate advantages.
        float[] advantages = run.Collect(config.Gamma, config.GaeLambda, config.NormalizeAdvantages);

        TrpoStep step;
        using (TensorScope.Begin())
        {
            PolicyUpdateBatch batch = run.Batch(advantages);
            step = UpdatePolicy(batch);
        }
        double valueLoss = run.FitCritic(config.CriticEpochs, config.CriticBatchSize);
        Iterations++;
        return new Dictionary<string, double>
        {
            ["rollout/episode_return"] = run.EpisodeReturn,
            ["train/surrogate_improvement"] = step.Improvement,
            ["train/kl"] = step.Kl,
            ["train/step_accepted"] = step.Accepted ? 1 : 0,
            ["train/line_search_backtracks"] = step.Backtracks,
            ["train/cg_iterations"] = step.CgIterations,
            ["train/cg_residual"] = step.CgResidual,
            ["train/entropy"] = step.Entropy,
            ["train/value_loss"] = valueLoss,
        };
    }

    private readonly record struct TrpoStep(bool Accepted, double Improvement, double Kl, int Backtracks, int CgIterations, double CgResidual, double Entropy);

    // Natural gradient by CG, the step to the trust region's edge, and the line search (001, Algorithms 2 and 3).
    private TrpoStep UpdatePolicy(PolicyUpdateBatch batch)
    {
        double[] thetaOld = NaturalGradient.GetParameters(run.Policy);
        double entropy = batch.OldEntropy();
        double[] g = batch.SurrogateGradient();
        (double surrogateOld, _) = batch.Evaluate();
        ConjugateGradientResult cg = NaturalGradient.ConjugateGradient(v => batch.FisherVectorProduct(v, config.CgDamping), g, config.CgIterations, config.CgResidualTolerance);
        double[] x = cg.Solution;
        double xFx = NaturalGradient.Dot(x, batch.FisherVectorProduct(x, config.CgDamping));
        if (!(xFx > 0 && double.IsFinite(xFx))) return new TrpoStep(false, 0, 0, 0, cg.Iterations, cg.ResidualNorm, entropy);
        double[] fullStep = NaturalGradient.Scale(Math.Sqrt(2 * config.MaxKl / xFx), x);
        LineSearchResult search = LineSearch(theta =>
        {
            NaturalGradient.SetParameters(run.Policy, theta);
            return batch.Evaluate();
        }, thetaOld, fullStep, surrogateOld, config.MaxKl, config.LineSearchSteps, config.LineSearchShrink);
        NaturalGradient.SetParameters(run.Policy, search.Parameters);
        return new TrpoStep(search.Accepted, search.Surrogate - surrogateOld, search.Kl, search.Backtracks, cg.Iterations, cg.ResidualNorm, entropy);
    }

    /// <summary>
    /// 001's Algorithm 2: for j = 0 .. <paramref name="steps"/> - 1, theta = start + shrink^j fullStep is accepted when
    /// <paramref name="evaluate"/>(theta) gives a surrogate above <paramref name="surrogateAtStart"/> and a mean KL of at
    /// most <paramref name="maxKl"/>; when no j passes, the result is the start (no step).
    /// </summary>
    public static LineSearchResult LineSearch(Func<double[], (double Surrogate, double Kl)> evaluate, double[] start, double[] fullStep,
        double surrogateAtStart, double maxKl, int steps, double shrink)
    {
        ArgumentNullException.ThrowIfNull(evaluate);
        if (start.Length != fullStep.Length)
            throw new ArgumentException($"LineSearch: expected a step of {start.Length} values, got {fullStep.Length}.", nameof(fullStep));
        if (steps <= 0) throw new ArgumentOutOfRangeException(nameof(steps), steps, "expected a positive number of line search steps");
        if (!(shrink > 0 && shrink < 1)) throw new ArgumentOutOfRangeException(nameof(shrink), shrink, "expected a backtracking factor in (0, 1)");
        double fraction = 1;
        for (int j = 0; j < steps; j++, fraction *= shrink)
        {
            double[] theta = NaturalGradient.AddScaled(start, fraction, fullStep);
            (double surrogate, double kl) = evaluate(theta);
            if (surrogate > surrogateAtStart && kl <= maxKl) return new LineSearchResult(true, j, theta, surrogate, kl);
        }
        return new LineSearchResult(false, steps, (double[])start.Clone(), surrogateAtStart, 0);
    }

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(run.Policy, run.Filter, deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint) => run.Save(checkpoint, Iterations);

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint) => Iterations = run.Load(checkpoint);
}
