namespace Control.Policies.Imitation;

/// <summary>
/// How DAgger's mixing coefficient beta_i (the probability that the expert's action is the one executed at a step of
/// iteration i, counted from 0) falls (Ross, Gordon &amp; Bagnell 2011). Iteration 0 always runs the expert alone.
/// </summary>
public enum BetaSchedule
{
    /// <summary>beta_i = p^i with p = <see cref="DaggerConfig.BetaDecay"/>: the expert's share halves each iteration for p = 0.5.</summary>
    Exponential,

    /// <summary>beta_0 = 1, beta_i = 0 after: the learner alone drives every later iteration (parameter-free).</summary>
    Indicator,
}
