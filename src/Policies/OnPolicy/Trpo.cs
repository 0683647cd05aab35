// Trust Region Policy Optimization (Schulman et al. 2015), as 001's Algorithm 3 with the line search of its
// Algorithm 2: collect a rollout with pi_k, estimate advantages by GAE, form the surrogate gradient g and the
// KL Hessian-vector product, solve F x = g by conjugate gradient, scale to the trust region's edge
// Delta = sqrt(2 delta / x^T F x) x, and backtrack theta_k + alpha^j Delta until the surrogate improves AND the
// mean KL(pi_k || pi_theta) <= delta; if no step does both, keep theta_k. The critic is fitted separately by Adam.
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;

namespace Control.Policies.OnPolicy;

/// <summary>TRPO on a vector env, for Discrete (categorical policy) or Box (Gaussian policy) action spaces.</summary>
public sealed class Trpo : IAlgorithm
{
    private readonly TrpoConfig config;
    private readonly NaturalGradientRun run;

    /// <summary>TRPO on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice comes from <paramref name="seed"/>.</summary>
    public Trpo(IVectorEnv env, TrpoConfig config, long seed)
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
        // A NaN or infinite advantage (a reward, an observation or a weight gone bad) stops training before the step.
        NonFiniteLossException.Check(Name, Iterations, "surrogate objective", surrogateOld);
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
    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => run.Policy.ToInference(run.Filter);

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint) => run.Save(checkpoint, Iterations);

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint) => Iterations = run.Load(checkpoint);
}
