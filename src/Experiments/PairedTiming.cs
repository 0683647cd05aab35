// Times an expert and its distilled policy on the same states, each as a controller runs it: the expert acts (and is
// timed) through its episodes in its own MPC loop; the policy's observations of those states are kept, and at the end
// of each episode the policy is timed over them in a loop of its own (its actions are not executed). Timing the policy
// right after each expert replan instead would charge it for the caches the replan evicts, which a controller running
// only the policy never pays (bench/RESULTS.md, "The 100x speed figure": 0.90 us against 0.30 us on the pendulum).
// The loop runs Passes times and the median pass counts: a pass over a 200-step episode takes 20-40 us, so a single
// preemption by the OS (tens of us on a shared machine) would otherwise double it (the same run gave 70x, 95x and 137x
// on the pendulum with one pass). The expert's calls take 10 us to ms each and are averaged over all of them.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;

namespace Control.Experiments;

/// <summary>
/// Acts as <paramref name="expert"/> and times it and, episode by episode, <paramref name="policy"/> on the same inputs;
/// <paramref name="observer"/> turns the expert's input, a state, into the policy's observation (null: the expert reads
/// the observation too). Call <see cref="Finish"/> after the last episode.
/// </summary>
internal sealed class PairedTiming(IPolicy expert, IPolicy policy, IStatefulEnv? observer) : IPolicy
{
    /// <summary>Loops of the policy over each episode's observations; the median one is counted.</summary>
    public const int Passes = 5;

    private readonly List<double[]> pending = [];
    private readonly double[] policyAction = new double[policy.ActionSize];
    private long expertTicks, policyTicks, expertActions, policyActions;

    /// <summary>Mean seconds per expert action.</summary>
    public double ExpertSeconds => (double)expertTicks / Stopwatch.Frequency / expertActions;

    /// <summary>Mean seconds per policy action.</summary>
    public double PolicySeconds => (double)policyTicks / Stopwatch.Frequency / policyActions;

    public int ObservationSize => expert.ObservationSize;

    public int ActionSize => expert.ActionSize;

    public void Act(ReadOnlySpan<double> input, Span<double> action)
    {
        long start = Stopwatch.GetTimestamp();
        expert.Act(input, action);
        expertTicks += Stopwatch.GetTimestamp() - start;
        expertActions++;
        var seen = new double[policy.ObservationSize];
        if (observer is null) input.CopyTo(seen);
        else observer.Observe(input, seen);
        pending.Add(seen);
    }

    public void Reset()
    {
        Finish();
        expert.Reset();
    }

    /// <summary>Times the policy over the observations of the episode that ended (the median of <see cref="Passes"/> loops), and forgets them.</summary>
    public void Finish()
    {
        if (pending.Count == 0) return;
        var passes = new long[Passes];
        for (int pass = 0; pass < Passes; pass++)
        {
            policy.Reset();
            long start = Stopwatch.GetTimestamp();
            foreach (double[] observation in pending) policy.Act(observation, policyAction);
            passes[pass] = Stopwatch.GetTimestamp() - start;
        }
        Array.Sort(passes);
        policyTicks += passes[Passes / 2];
        policyActions += pending.Count;
        pending.Clear();
    }
}
