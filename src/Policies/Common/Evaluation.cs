using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Policies.Common;

/// <summary>Evaluation episodes.</summary>
public static class Evaluation
{
    /// <summary>
    /// Seed of the first evaluation episode of a run seeded <paramref name="runSeed"/>: 1,000,000 + 1000 runSeed, apart
    /// from every seed the run trains with, so that runs of different seeds are judged on different episodes.
    /// </summary>
    public static long SeedOf(long runSeed) => 1_000_000 + 1000 * runSeed;

    /// <summary>
    /// Runs <paramref name="episodes"/> episodes of <paramref name="policy"/> on envs made by
    /// <paramref name="makeEnv"/>(seed + k) (each ends by its own termination or time limit); episode k is reset with seed + k.
    /// The policy reads the observation, or the env's state when <paramref name="input"/> says so (model-based learners).
    /// </summary>
    public static EvaluationResult Run(IPolicy policy, Func<long, IEnv> makeEnv, int episodes, long seed, int maxSteps = 100_000,
        PolicyInput input = PolicyInput.Observation)
    {
        if (episodes <= 0) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "expected at least one episode");
        var returns = new double[episodes];
        var lengths = new int[episodes];
        for (int k = 0; k < episodes; k++)
        {
            EpisodeResult episode = new EpisodeRunner(makeEnv(seed + k), input).Run(policy, seed + k, maxSteps);
            returns[k] = episode.Return;
            lengths[k] = episode.Steps;
        }
        return new EvaluationResult(returns, lengths);
    }
}
