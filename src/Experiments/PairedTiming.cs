// Times an expert and its distilled policy under the same conditions: in the expert's episodes every expert action is
// followed by the policy's action on the same state (on its observation; the policy's action is not executed), so both
// means come from interleaved calls under one machine load.
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;

namespace Control.Experiments;

/// <summary>
/// Acts as <paramref name="expert"/> and times it and <paramref name="policy"/> on each input; <paramref name="observer"/>
/// turns the expert's input, a state, into the policy's observation (null: the expert reads the observation too).
/// </summary>
internal sealed class PairedTiming(IPolicy expert, IPolicy policy, IStatefulEnv? observer) : IPolicy
{
    private readonly double[] observation = new double[policy.ObservationSize];
    private readonly double[] policyAction = new double[policy.ActionSize];
    private long expertTicks, policyTicks, actions;

    /// <summary>Mean seconds per expert action.</summary>
    public double ExpertSeconds => (double)expertTicks / Stopwatch.Frequency / actions;

    /// <summary>Mean seconds per policy action.</summary>
    public double PolicySeconds => (double)policyTicks / Stopwatch.Frequency / actions;

    public int ObservationSize => expert.ObservationSize;

    public int ActionSize => expert.ActionSize;

    public void Act(ReadOnlySpan<double> input, Span<double> action)
    {
        long start = Stopwatch.GetTimestamp();
        expert.Act(input, action);
        expertTicks += Stopwatch.GetTimestamp() - start;
        ReadOnlySpan<double> seen = input;
        if (observer is not null)
        {
            observer.Observe(input, observation);
            seen = observation;
        }
        start = Stopwatch.GetTimestamp();
        policy.Act(seen, policyAction);
        policyTicks += Stopwatch.GetTimestamp() - start;
        actions++;
    }

    public void Reset()
    {
        expert.Reset();
        policy.Reset();
    }
}
