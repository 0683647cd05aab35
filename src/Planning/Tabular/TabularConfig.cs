namespace Control.Planning.Tabular;

/// <summary>Settings of the tabular solvers.</summary>
public sealed record TabularConfig
{
    /// <summary>Discount gamma in [0, 1). Default 0.99.</summary>
    public double Discount { get; init; } = 0.99;

    /// <summary>
    /// Stop when the max-norm Bellman residual ||T V - V|| (for Q-value iteration ||T Q - Q||) is at most this; then
    /// the values are within gamma / (1 - gamma) times it of the optimum. Must be positive. Default 1e-8.
    /// </summary>
    public double Tolerance { get; init; } = 1e-8;

    /// <summary>Budget of iterations: Bellman sweeps for value and Q-value iteration, improvement steps for policy iteration. Default 100000.</summary>
    public int MaxIterations { get; init; } = 100_000;

    /// <summary>
    /// Actions whose Q is within this of the best count as tied, and the lowest index among them is taken, so that
    /// rounding in the last bits cannot change the policy. Must be non-negative. Default 1e-9.
    /// </summary>
    public double TieTolerance { get; init; } = 1e-9;

    /// <summary>Policy iteration only: how each policy is evaluated. Default <see cref="PolicyEvaluation.Auto"/>.</summary>
    public PolicyEvaluation Evaluation { get; init; } = PolicyEvaluation.Auto;

    /// <summary>
    /// Policy iteration only: the largest S evaluated exactly under <see cref="PolicyEvaluation.Auto"/>. The dense
    /// solve costs S^3 / 3 multiply-adds and 8 S^2 bytes (500 states: 4e7 and 2 MB, a few milliseconds); above
    /// that, sparse sweeps at O(entries) each are cheaper. Default 500.
    /// </summary>
    public int ExactEvaluationMaxStates { get; init; } = 500;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate(string solver)
    {
        if (!(Discount >= 0 && Discount < 1))
            throw new ArgumentOutOfRangeException(nameof(Discount), Discount, $"{solver}: expected a discount gamma in [0, 1).");
        if (!(Tolerance > 0 && double.IsFinite(Tolerance)))
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, $"{solver}: expected a positive finite tolerance.");
        if (MaxIterations < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, $"{solver}: expected at least 1 iteration.");
        if (!(TieTolerance >= 0 && double.IsFinite(TieTolerance)))
            throw new ArgumentOutOfRangeException(nameof(TieTolerance), TieTolerance, $"{solver}: expected a non-negative finite tie tolerance.");
        if (ExactEvaluationMaxStates < 0)
            throw new ArgumentOutOfRangeException(nameof(ExactEvaluationMaxStates), ExactEvaluationMaxStates, $"{solver}: expected a non-negative state count.");
        if (!Enum.IsDefined(Evaluation))
            throw new ArgumentOutOfRangeException(nameof(Evaluation), Evaluation, $"{solver}: expected Auto, Exact or Iterative.");
    }
}
