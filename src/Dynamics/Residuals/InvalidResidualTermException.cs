namespace Control.Dynamics.Residuals;

/// <summary>A <see cref="ResidualTerm"/> that does not fit its residual or has an invalid weight, name or norm.</summary>
public sealed class InvalidResidualTermException : ArgumentException
{
    /// <summary>The exception for term <paramref name="termName"/>.</summary>
    public InvalidResidualTermException(string termName, string message) : base(message) => TermName = termName;

    /// <summary>Name of the offending term.</summary>
    public string TermName { get; }
}
