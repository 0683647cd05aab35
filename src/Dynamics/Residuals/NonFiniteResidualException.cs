namespace Control.Dynamics.Residuals;

/// <summary>A residual entry or Jacobian entry that came out NaN or infinite while a <see cref="ResidualCost"/> evaluated a term.</summary>
public sealed class NonFiniteResidualException : ArithmeticException
{
    /// <summary>
    /// The exception for row <paramref name="index"/> of the residual, read by term <paramref name="termName"/>;
    /// <paramref name="quantity"/> says what was not finite ("residual entry", "Jacobian row").
    /// </summary>
    public NonFiniteResidualException(string costName, string termName, string quantity, int index, double value)
        : base($"{costName}: term '{termName}' read {quantity} {index} = {value}; expected finite numbers.")
    {
        TermName = termName;
        Index = index;
        Value = value;
    }

    /// <summary>Name of the term whose slice holds the entry.</summary>
    public string TermName { get; }

    /// <summary>Index of the entry (or Jacobian row) in the whole residual.</summary>
    public int Index { get; }

    /// <summary>The value found.</summary>
    public double Value { get; }
}
