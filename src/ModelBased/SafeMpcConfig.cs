namespace Control.ModelBased;

/// <summary>
/// How MPC on a learned model stays where the model is trustworthy (<see cref="WatchedMpc"/>, <see cref="Control.Planning.SupportCost"/>):
/// a penalty on plans that leave the training data's state range, and a watch on reality that falls back when the
/// model or the plan goes wrong. The defaults are those of the model-based loops (bench/RESULTS.md, "planning on a learned model").
/// </summary>
public sealed record SafeMpcConfig
{
    /// <summary>Weight w of the support penalty w sum_i e_i^2 on every planned state (e_i: distance outside the data's range in units of that range); 0 turns it off. Default 1.</summary>
    public double SupportWeight { get; init; } = 1.0;

    /// <summary>Margin added to each side of the data's range before the penalty starts, as a fraction of the range. Default 0.1.</summary>
    public double SupportMargin { get; init; } = 0.1;

    /// <summary>Watch reality and fall back (<see cref="WatchedMpc"/>); false: plain MPC. Default true.</summary>
    public bool Watch { get; init; } = true;

    /// <summary>
    /// A real step whose one-step prediction error (mean squared, in the model's standardized units) exceeds this many
    /// times the model's holdout error is a surprise: the next plan starts cold. Default 100 (a fitted model's real
    /// steps stay below ~25 times; the runaways of bench/RESULTS.md, "planning on a learned model" reach 100-6,000).
    /// </summary>
    public double SurpriseFactor { get; init; } = 100;

    /// <summary>
    /// A plan whose cost exceeds what the previous plan predicted for the rest of the horizon (its cost minus the stage
    /// just taken) by more than this fraction of the episode's first plan cost is diverging: it is replaced by a cold plan. Default 0.25.
    /// </summary>
    public double CostRiseTolerance { get; init; } = 0.25;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public SafeMpcConfig Check()
    {
        Control.Planning.SupportCost.CheckWeight(SupportWeight);
        if (!(double.IsFinite(SupportMargin) && SupportMargin >= 0))
            throw new ArgumentOutOfRangeException(nameof(SupportMargin), SupportMargin, "safe MPC: expected a finite support margin >= 0.");
        if (!(SurpriseFactor > 1)) throw new ArgumentOutOfRangeException(nameof(SurpriseFactor), SurpriseFactor, "safe MPC: expected a surprise factor > 1.");
        if (!(CostRiseTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(CostRiseTolerance), CostRiseTolerance, "safe MPC: expected a cost-rise tolerance > 0.");
        return this;
    }
}
