namespace Control.Policies.Imitation;

/// <summary>Settings of <see cref="Dagger"/>.</summary>
public sealed record DaggerConfig
{
    /// <summary>The behaviour cloning fit of every iteration (its documented defaults).</summary>
    public BehaviourCloningConfig Cloning { get; init; } = new();

    /// <summary>
    /// How beta falls with the iteration (default <see cref="BetaSchedule.Indicator"/>: the expert acts in iteration 0 only,
    /// the parameter-free choice; on the iLQR-MPC swing-ups it gave steadier policies from one iteration to the next than
    /// 0.5^i, bench/RESULTS.md, "distilling iLQR-MPC").
    /// </summary>
    public BetaSchedule Schedule { get; init; } = BetaSchedule.Indicator;

    /// <summary>p of the <see cref="BetaSchedule.Exponential"/> schedule beta_i = p^i, in [0, 1] (default 0.5).</summary>
    public double BetaDecay { get; init; } = 0.5;

    /// <summary>
    /// Expert labels (env steps) gathered per iteration before the refit (default 1000: five 200-step episodes); the
    /// iteration's last episode is cut at this count.
    /// </summary>
    public int LabelsPerIteration { get; init; } = 1000;

    /// <summary>
    /// Standard deviation of the Gaussian noise added to the expert's executed actions, in units of each action's
    /// half-range (default 0: none). The labels stay the expert's clean actions (DART, Laskey et al. 2017, "DART: Noise
    /// Injection for Robust Imitation Learning"); needs a Box action space.
    /// </summary>
    public double ExpertNoise { get; init; }

    /// <summary>
    /// Rows labelled by the expert's feedback per expert label (default 0: none): states x + dx near each labelled x,
    /// labelled u + K dx with the expert's gain K (<see cref="ExpertLabeller.LabelNearby"/>; an iLQR-MPC expert). They
    /// teach the expert's local feedback where its own labels are too small to show it, such as holding a pole upright,
    /// and cost no expert calls; they are fitted with the expert's labels but do not count as labels.
    /// </summary>
    public int FeedbackSamples { get; init; }

    /// <summary>
    /// Standard deviation of dx per tangent coordinate of the state, in its units (rad, rad/s, m ...), for
    /// <see cref="FeedbackSamples"/> (default empty; needs one value per coordinate when the samples are on).
    /// </summary>
    public double[] FeedbackNoise { get; init; } = [];

    /// <summary>
    /// Also fit the mirror image (g o, g u) of every expert label under the env's reflection symmetry (default false; needs
    /// an <see cref="Control.Core.Envs.IMirrorSymmetricEnv"/>). The images cost no expert calls and do not count as labels;
    /// an image is left out of training when its label is held out. On acrobot-swingup they reached the score of twice the labels without them
    /// (bench/RESULTS.md, "mirrored labels").
    /// </summary>
    public bool Mirror { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cloning);
        Cloning.Validate();
        if (!Enum.IsDefined(Schedule)) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(Schedule)}: expected Exponential or Indicator, got {(int)Schedule}.");
        if (!(BetaDecay >= 0 && BetaDecay <= 1)) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(BetaDecay)}: expected a value in [0, 1], got {BetaDecay}.");
        if (!(ExpertNoise >= 0 && double.IsFinite(ExpertNoise))) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(ExpertNoise)}: expected a finite value >= 0, got {ExpertNoise}.");
        ArgumentNullException.ThrowIfNull(FeedbackNoise);
        if (FeedbackSamples < 0) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(FeedbackSamples)}: expected a count >= 0, got {FeedbackSamples}.");
        if (FeedbackSamples > 0 && (FeedbackNoise.Length == 0 || FeedbackNoise.Any(v => !(v >= 0 && double.IsFinite(v)))))
            throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(FeedbackNoise)}: with feedback samples, expected finite values >= 0 (one per tangent coordinate of the state), got [{string.Join(", ", FeedbackNoise)}].");
        if (LabelsPerIteration <= 0) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(LabelsPerIteration)}: expected a positive value, got {LabelsPerIteration}.");
    }
}
