// DAgger, dataset aggregation (Ross, Gordon & Bagnell 2011, "A Reduction of Imitation Learning and Structured
// Prediction to No-Regret Online Learning", Algorithm 3.1). Behaviour cloning trains on the states the expert visits,
// but the learned policy drifts to states the expert never showed it, where its errors compound. DAgger asks the expert
// for labels on the learner's own states:
//   D <- {};  pi_hat_0 <- none
//   for i = 0, 1, 2, ...
//       pi_i = beta_i pi* + (1 - beta_i) pi_hat_i        (per step: the expert's action with probability beta_i)
//       run pi_i; at every visited state s record (s, pi*(s))   (the expert labels every state, whoever acts)
//       D <- D u D_i
//       pi_hat_{i+1} <- behaviour cloning on D
// Iteration 0 runs the expert alone (beta_0 = 1), so its refit is behaviour cloning on the expert's own data. The
// expert is any IPolicy: an iLQR, CEM or MPPI controller reading the env's state, or a trained policy. With
// FeedbackSamples, an iLQR expert's gains label states near each labelled one too (ExpertLabeller.LabelNearby), and
// every refit fits D with those rows, each left out of training when the label it was made around is held out; with
// Mirror, on a mirror-symmetric env, the mirror image of every label likewise.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Policies.Common;

namespace Control.Policies.Imitation;

/// <summary>
/// DAgger on one env with one expert: each <see cref="Iterate()"/> rolls out the mixture policy, aggregates the expert's
/// labels and refits <see cref="Policy"/>. Same env, expert, config and seed, same policies.
/// </summary>
public sealed class Dagger
{
    /// <summary>The algorithm's name, as on the command line and in checkpoints.</summary>
    public const string Name = "dagger";

    private readonly DaggerConfig config;
    private readonly ExpertLabeller labeller;
    private readonly Rng episodeSeeds, coin, fitSeeds;

    /// <summary>
    /// DAgger on <paramref name="env"/> with <paramref name="expert"/>, which reads <paramref name="expertInput"/> (the
    /// observation, or the env's state for a planner). <paramref name="seed"/> seeds the episodes' resets, the mixture's
    /// draws and every fit.
    /// </summary>
    /// <exception cref="ExpertMismatchException">The expert does not fit the env (see <see cref="ExpertLabeller"/>).</exception>
    /// <exception cref="ArgumentException">The config is out of range.</exception>
    public Dagger(IEnv env, IPolicy expert, PolicyInput expertInput, DaggerConfig config, long seed)
    {
        this.config = config ?? throw new ArgumentNullException(nameof(config));
        config.Validate();
        labeller = new ExpertLabeller(env, expert, expertInput);
        var rng = new Rng(seed);
        (episodeSeeds, coin, fitSeeds) = (rng.Fork(1), rng.Fork(2), rng.Fork(3));
        if (config.FeedbackSamples > 0) labeller.LabelNearby(config.FeedbackSamples, config.FeedbackNoise, rng.Fork(4));
        if (config.Mirror) labeller.LabelMirrored();
    }

    /// <summary>The settings.</summary>
    public DaggerConfig Config => config;

    /// <summary>The aggregated dataset D: every state visited so far (as observed) with the expert's label, in the order visited.</summary>
    public ImitationDataset Data => labeller.Data;

    /// <summary>The rows labelled by the expert's feedback so far (<see cref="DaggerConfig.FeedbackSamples"/>); empty without them.</summary>
    public ImitationDataset Feedback => labeller.Feedback;

    /// <summary>The mirror images of the labels so far (<see cref="DaggerConfig.Mirror"/>): row k the image of row k of <see cref="Data"/>; empty without them.</summary>
    public ImitationDataset Mirrored => labeller.Mirrored;

    /// <summary>Expert labels so far (= env steps taken).</summary>
    public int Labels => labeller.Data.Count;

    /// <summary>Iterations done.</summary>
    public int Iterations { get; private set; }

    /// <summary>The policy of the last refit (pi_hat_i); null before the first iteration.</summary>
    public InferencePolicy? Policy { get; private set; }

    /// <summary>Wall-clock time the expert spent labelling, in total.</summary>
    public TimeSpan ExpertTime => labeller.ExpertTime;

    /// <summary>beta_i of <paramref name="config"/>'s schedule for iteration <paramref name="iteration"/> (0-based): 1 at iteration 0.</summary>
    public static double Beta(DaggerConfig config, int iteration)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegative(iteration);
        return config.Schedule == BetaSchedule.Indicator ? (iteration == 0 ? 1 : 0) : Math.Pow(config.BetaDecay, iteration);
    }

    /// <summary>One iteration of <see cref="DaggerConfig.LabelsPerIteration"/> labels.</summary>
    public DaggerIteration Iterate() => Iterate(config.LabelsPerIteration);

    /// <summary>
    /// One iteration: episodes of the mixture policy (each to its end, the last cut) until <paramref name="labels"/> states
    /// were labelled, then the refit on every label so far.
    /// </summary>
    /// <exception cref="NonFiniteLossException">The fit's loss became NaN or infinite.</exception>
    public DaggerIteration Iterate(int labels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(labels);
        int iteration = Iterations;
        double beta = Beta(config, iteration);

        // ---- run pi_i = beta pi* + (1 - beta) pi_hat, the expert labelling every visited state
        var seeds = new List<long>();
        var returns = new List<double>();
        int start = Labels, expertActions = 0;
        while (Labels - start < labels)
        {
            long seed = (long)(episodeSeeds.NextUInt64() >> 1);
            (EpisodeResult episode, int byExpert) = labeller.RunEpisode(Policy, beta, coin, seed, labels - (Labels - start), config.ExpertNoise);
            seeds.Add(seed);
            returns.Add(episode.Return);
            expertActions += byExpert;
        }

        // ---- pi_hat_{i+1}: behaviour cloning on the aggregated data (and the feedback rows and mirror images)
        IEnv env = labeller.Env;
        long fitSeed = (long)(fitSeeds.NextUInt64() >> 1);
        BehaviourCloningResult fit = Feedback.Count + Mirrored.Count == 0
            ? BehaviourCloning.Fit(Data, env.ObservationSpace, env.ActionSpace, config.Cloning, fitSeed)
            : BehaviourCloning.Fit([.. Data.Observations, .. Feedback.Observations, .. Mirrored.Observations], [.. Data.Actions, .. Feedback.Actions, .. Mirrored.Actions],
                env.ObservationSpace, env.ActionSpace, config.Cloning, fitSeed, [.. labeller.FeedbackSources, .. labeller.MirroredSources]);
        Policy = fit.Policy;
        Iterations++;
        int added = Labels - start;
        return new DaggerIteration(iteration, beta, Labels, added, (double)expertActions / added, seeds, returns, fit, Feedback.Count, Mirrored.Count);
    }
}
