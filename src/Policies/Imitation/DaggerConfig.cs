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

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Cloning);
        Cloning.Validate();
        if (!Enum.IsDefined(Schedule)) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(Schedule)}: expected Exponential or Indicator, got {(int)Schedule}.");
        if (!(BetaDecay >= 0 && BetaDecay <= 1)) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(BetaDecay)}: expected a value in [0, 1], got {BetaDecay}.");
        if (!(ExpertNoise >= 0 && double.IsFinite(ExpertNoise))) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(ExpertNoise)}: expected a finite value >= 0, got {ExpertNoise}.");
        if (LabelsPerIteration <= 0) throw new ArgumentException($"{nameof(DaggerConfig)}.{nameof(LabelsPerIteration)}: expected a positive value, got {LabelsPerIteration}.");
    }
}
