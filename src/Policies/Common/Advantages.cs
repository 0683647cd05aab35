// Return and advantage estimators shared by the policy-gradient methods: discounted reward-to-go (000:
// "what you do now does not affect the reward of the past") and generalized advantage estimation
// (Schulman et al. 2016): A_t = sum_l (gamma lambda)^l delta_{t+l}, delta_t = r_t + gamma V(s_{t+1}) - V(s_t).
namespace Control.Policies.Common;

/// <summary>Reward-to-go, GAE(lambda) and advantage normalization.</summary>
public static class Advantages
{
    /// <summary>
    /// Discounted reward-to-go of one episode: result[t] = sum_{t' >= t} gamma^(t' - t) rewards[t'], plus
    /// gamma^(T - t) <paramref name="bootstrap"/> (the value of the state after the last step, 0 at a terminal state).
    /// </summary>
    public static void RewardToGo(ReadOnlySpan<double> rewards, double gamma, Span<double> result, double bootstrap = 0)
    {
        CheckGamma(gamma, 1.0);
        if (result.Length != rewards.Length)
            throw new ArgumentException($"RewardToGo: expected a result of length {rewards.Length}, got {result.Length}.", nameof(result));
        double running = bootstrap;
        for (int t = rewards.Length - 1; t >= 0; t--)
        {
            running = rewards[t] + gamma * running;
            result[t] = running;
        }
    }

    /// <summary>
    /// GAE(lambda) over a rollout of T steps of N envs laid out row t * N + i. <paramref name="episodeEnds"/>[t, i]
    /// marks that the episode of env i ended at step t (terminated or truncated): no value flows back across it. A
    /// truncated episode's bootstrap value must already be folded into its last reward (r += gamma V(final
    /// observation)), as the rollout collector does. <paramref name="lastValues"/> are V of the observations after
    /// the last step. Writes advantages and returns (advantages + values, the value-function targets).
    /// </summary>
    public static void Gae(ReadOnlySpan<float> rewards, ReadOnlySpan<float> values, ReadOnlySpan<bool> episodeEnds,
        ReadOnlySpan<float> lastValues, int envs, double gamma, double lambda, Span<float> advantages, Span<float> returns)
    {
        CheckGamma(gamma, lambda);
        int n = rewards.Length;
        if (envs <= 0 || n % envs != 0 || lastValues.Length != envs)
            throw new ArgumentException($"Gae: expected {envs} last values and T x {envs} rewards, got {lastValues.Length} and {n}.");
        if (values.Length != n || episodeEnds.Length != n || advantages.Length != n || returns.Length != n)
            throw new ArgumentException($"Gae: expected values, episode ends, advantages and returns of length {n}, got {values.Length}, {episodeEnds.Length}, {advantages.Length} and {returns.Length}.");
        int steps = n / envs;
        for (int i = 0; i < envs; i++)
        {
            double running = 0;
            for (int t = steps - 1; t >= 0; t--)
            {
                int k = t * envs + i;
                double nextValue = t == steps - 1 ? lastValues[i] : values[k + envs];
                double notEnd = episodeEnds[k] ? 0 : 1;
                double delta = rewards[k] + gamma * nextValue * notEnd - values[k];
                running = delta + gamma * lambda * notEnd * running;
                advantages[k] = (float)running;
                returns[k] = (float)(running + values[k]);
            }
        }
    }

    /// <summary>Shifts and scales <paramref name="values"/> in place to mean 0 and standard deviation 1 (plus 1e-8).</summary>
    public static void Normalize(Span<float> values)
    {
        if (values.Length == 0) return;
        double mean = 0;
        foreach (float v in values) mean += v;
        mean /= values.Length;
        double variance = 0;
        foreach (float v in values) variance += (v - mean) * (v - mean);
        double scale = 1.0 / (Math.Sqrt(variance / Math.Max(values.Length - 1, 1)) + 1e-8);
        for (int i = 0; i < values.Length; i++) values[i] = (float)((values[i] - mean) * scale);
    }

    private static void CheckGamma(double gamma, double lambda)
    {
        if (!(gamma >= 0 && gamma <= 1)) throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "expected a discount in [0, 1]");
        if (!(lambda >= 0 && lambda <= 1)) throw new ArgumentOutOfRangeException(nameof(lambda), lambda, "expected a GAE lambda in [0, 1]");
    }
}
