namespace Control.Policies.Common;

/// <summary>Mean and spread of evaluation returns.</summary>
/// <param name="Returns">Return of each episode.</param>
/// <param name="Lengths">Length of each episode.</param>
public sealed record EvaluationResult(double[] Returns, int[] Lengths)
{
    /// <summary>Mean return.</summary>
    public double Mean => Returns.Length == 0 ? double.NaN : Returns.Average();

    /// <summary>Population standard deviation of the returns.</summary>
    public double Std => Returns.Length == 0 ? double.NaN : Math.Sqrt(Returns.Select(r => (r - Mean) * (r - Mean)).Average());
}
