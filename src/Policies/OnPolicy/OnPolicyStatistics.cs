using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>Rollout statistics the on-policy methods report.</summary>
internal static class OnPolicyStatistics
{
    /// <summary>
    /// Mean return of the episodes that ended since the collector had <paramref name="episodesBefore"/> episodes (the last
    /// 100 at most), or <paramref name="previous"/> when none ended. Depends only on this iteration's episodes, so a
    /// resumed run reports the same values as an uninterrupted one.
    /// </summary>
    public static double EpisodeReturn(RolloutCollector collector, long episodesBefore, double previous)
    {
        int ended = (int)Math.Min(collector.Episodes - episodesBefore, collector.RecentReturns.Count);
        return ended <= 0 ? previous : collector.RecentReturns.Skip(collector.RecentReturns.Count - ended).Average();
    }
}
