using Control.Policies.Imitation;

namespace Control.Experiments;

/// <summary>A planner or trained policy distilled into a network policy (`control distill`).</summary>
/// <param name="Env">Registered env name.</param>
/// <param name="Expert">
/// The expert: a planner of <see cref="DistillRun.Planners"/> as MPC on the env's true model (its `control plan` preset),
/// or "checkpoint:FILE", the policy of a checkpoint of any algorithm trained on an env with this env's spaces.
/// </param>
/// <param name="Method">"bc" (behaviour cloning on the expert's own episodes) or "dagger".</param>
/// <param name="Seed">Seed of the episodes, the mixture's draws, the fits and sampling planners; the evaluation seeds derive from it.</param>
public sealed record DistillRequest(string Env, string Expert, string Method, long Seed)
{
    /// <summary>Expert labels to use in total (= env steps of the expert's and learner's episodes); default 20,000.</summary>
    public int Steps { get; init; } = 20_000;

    /// <summary>Directory for checkpoint.ctl and metrics.csv; null (the default) writes nothing.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// Episodes on which the expert, the policy and a random policy are compared (seeds 1,000,000 + 1000 seed + k, k below
    /// <see cref="DistillRun.ValidationSeedOffset"/>); default 10.
    /// </summary>
    public int EvaluationEpisodes { get; init; } = 10;

    /// <summary>
    /// Validation episodes of DAgger (default 10; 0: keep the last refit). After each iteration the refit policy runs these
    /// episodes (seeds 1,000,000 + 1000 seed + 500 + k, apart from the evaluation episodes), and the run returns the refit
    /// with the best mean validation return, as DAgger's Algorithm 3.1 returns "the best policy on validation" (Ross,
    /// Gordon and Bagnell 2011). The evaluation episodes judge the chosen policy; they take no part in the choice.
    /// </summary>
    public int ValidationEpisodes { get; init; } = 10;

    /// <summary>
    /// iLQR iterations of guided labels; null (the default) takes <see cref="DistillRun.GuidedPreset"/> (10 on mj-reacher
    /// with the ilqr expert, otherwise 0), 0 is off (the MPC expert labels every state). K > 0, with the ilqr expert:
    /// from DAgger's second iteration on, each visited state is labelled by K iLQR iterations from the current learner's
    /// own rollout (<see cref="Control.Planning.IterativeLqr.PolicyWarmStartedIlqr"/>), a label that is a function of the
    /// state rather than of the MPC's history; bench/RESULTS.md, "DAgger on mj-reacher and the acrobot", measures it on the acrobot and mj-reacher.
    /// </summary>
    public int? GuidedLabelIterations { get; init; }

    /// <summary>
    /// Rows labelled by the iLQR expert's feedback gain per expert label (<see cref="DaggerConfig.FeedbackSamples"/>); null
    /// (the default) takes the config's, which for a null <see cref="Config"/> is <see cref="DistillRun.FeedbackPreset"/>
    /// (with the ilqr expert, 3 on the pendulum, and with DAgger on the cart-pole swing-up and mj-reacher; else 0); 0 is off.
    /// </summary>
    public int? FeedbackSamples { get; init; }

    /// <summary>
    /// Standard deviation per tangent coordinate of the env's state of the feedback rows' perturbations
    /// (<see cref="DaggerConfig.FeedbackNoise"/>); null (the default) takes the config's, as for <see cref="FeedbackSamples"/>.
    /// </summary>
    public double[]? FeedbackNoise { get; init; }

    /// <summary>
    /// Hidden layer widths of the distilled network; null (the default) takes the config's, which for a null
    /// <see cref="Config"/> is <see cref="DistillRun.Preset"/>'s (32-32 on the pendulum, 256-256 on mj-reacher, 128-128-128 on acrobot-swingup, else 64-64).
    /// </summary>
    public int[]? Hidden { get; init; }

    /// <summary>
    /// The distilled network's head on a Box action space (deterministic, Gaussian or binned); null (the default) takes
    /// the config's, which for a null <see cref="Config"/> is the env's preset (binned on acrobot-swingup, else deterministic).
    /// </summary>
    public ImitationHead? Head { get; init; }

    /// <summary>
    /// Whether to fit the mirror image of every label too (<see cref="DaggerConfig.Mirror"/>; the env must declare its
    /// reflection symmetry); null (the default) takes the config's, which for a null <see cref="Config"/> is the env's
    /// preset (on for acrobot-swingup, else off).
    /// </summary>
    public bool? Mirror { get; init; }

    /// <summary>The DAgger settings (the cloning fit's too, for "bc"); null (the default) takes <see cref="DistillRun.Preset"/> and <see cref="DistillRun.FeedbackPreset"/>.</summary>
    public DaggerConfig? Config { get; init; }
}
