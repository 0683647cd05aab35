namespace Control.Planning.Tabular;

/// <summary>How <see cref="PolicyIteration"/> evaluates a policy.</summary>
public enum PolicyEvaluation
{
    /// <summary>Exact when S &lt;= <see cref="TabularConfig.ExactEvaluationMaxStates"/>, iterative otherwise.</summary>
    Auto,

    /// <summary>Solve the S x S linear system (I - gamma P_pi) V = r_pi by Gaussian elimination: O(S^3) time, O(S^2) memory.</summary>
    Exact,

    /// <summary>Repeat V &lt;- r_pi + gamma P_pi V, warm-started from the previous policy's values, until the sweep changes V by little.</summary>
    Iterative,
}
