namespace Control.Policies.OnPolicy;

/// <summary>The baselines of <see cref="ReinforceBaseline"/> as functions of a batch's reward-to-go.</summary>
public static class ReinforceBaselines
{
    /// <summary>The average episode return (1/N) sum_i Q_{i,0}.</summary>
    public static double Constant(IReadOnlyList<double[]> rewardToGo)
    {
        CheckBatch(rewardToGo);
        return rewardToGo.Average(q => q[0]);
    }

    /// <summary>sum_i |g_i|^2 R_i / sum_i |g_i|^2 for returns R_i and squared score norms |g_i|^2 (the plain average if all norms are 0).</summary>
    public static double OptimalConstant(ReadOnlySpan<double> returns, ReadOnlySpan<double> scoreSquaredNorms)
    {
        if (returns.Length == 0 || returns.Length != scoreSquaredNorms.Length)
            throw new ArgumentException($"OptimalConstant: expected as many squared score norms as returns (at least one), got {scoreSquaredNorms.Length} and {returns.Length}.");
        double weighted = 0, total = 0, plain = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            weighted += scoreSquaredNorms[i] * returns[i];
            total += scoreSquaredNorms[i];
            plain += returns[i];
        }
        return total > 0 ? weighted / total : plain / returns.Length;
    }

    /// <summary>b_t = the mean of Q_{i,t} over the episodes i longer than t; the result is as long as the longest episode.</summary>
    public static double[] TimeDependent(IReadOnlyList<double[]> rewardToGo)
    {
        CheckBatch(rewardToGo);
        int horizon = rewardToGo.Max(q => q.Length);
        var sums = new double[horizon];
        var counts = new int[horizon];
        foreach (double[] q in rewardToGo)
        {
            for (int t = 0; t < q.Length; t++)
            {
                sums[t] += q[t];
                counts[t]++;
            }
        }
        for (int t = 0; t < horizon; t++) sums[t] /= counts[t];
        return sums;
    }

    private static void CheckBatch(IReadOnlyList<double[]> rewardToGo)
    {
        if (rewardToGo.Count == 0 || rewardToGo.Any(q => q.Length == 0))
            throw new ArgumentException("ReinforceBaselines: expected at least one episode, each of at least one step.");
    }
}
