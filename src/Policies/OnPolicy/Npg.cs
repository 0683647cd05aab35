// Natural policy gradient (Kakade 2002), as 001's Algorithm 1: collect a rollout with pi_k, estimate advantages
// by GAE, form the surrogate gradient g and the KL Hessian-vector product, solve F x = g by conjugate gradient
// and step theta_{k+1} = theta_k + alpha x, either with a fixed alpha or with alpha = sqrt(2 delta / x^T F x) so
// that the quadratic model of the KL equals delta. No line search: that is what TRPO adds (Trpo.cs).
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Tensors;

namespace Control.Policies.OnPolicy;

/// <summary>Natural policy gradient on a vector env, for Discrete (categorical policy) or Box (Gaussian policy) action spaces.</summary>
public sealed class Npg : IAlgorithm
{
    private readonly NpgConfig config;
    private readonly NaturalGradientRun run;

    /// <summary>NPG on <paramref name="env"/> (reset here with <paramref name="seed"/>); every random choice comes from <paramref name="seed"/>.</summary>
    public Npg(IVectorEnv env, NpgConfig config, long seed)
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
            // A NaN or infinite advantage (a reward, an observation or a weight gone bad) stops training before the step.
            NonFiniteLossException.Check(Name, Iterations, "surrogate objective", surrogateOld);
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
    /// <inheritdoc />
    public InferencePolicy InferencePolicy() => run.Policy.ToInference(run.Filter);

    /// <inheritdoc />
    public IPolicy Policy(bool deterministic, long seed = 0) => new PolicyActor(InferencePolicy(), deterministic, seed);

    /// <inheritdoc />
    public void Save(Checkpoint checkpoint) => run.Save(checkpoint, Iterations);

    /// <inheritdoc />
    public void Load(Checkpoint checkpoint) => Iterations = run.Load(checkpoint);
}
