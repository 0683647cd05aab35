using Control.Core;
using Control.Core.Envs;
using Control.Tensors;

namespace Control.Policies.Common;

/// <summary>
/// A trained stochastic policy as an <see cref="IPolicy"/>: filters the raw observation with the frozen training
/// statistics (if any), then takes the mode (deterministic) or samples with its own seeded generator.
/// </summary>
public sealed class PolicyActor : IPolicy
{
    private readonly StochasticPolicy policy;
    private readonly ObservationFilter? filter;
    private readonly bool deterministic;
    private readonly Rng rng;
    private readonly float[] input;

    /// <summary>Acts with <paramref name="policy"/>; <paramref name="filter"/> is used read-only.</summary>
    public PolicyActor(StochasticPolicy policy, ObservationFilter? filter, bool deterministic, long seed = 0)
    {
        this.policy = policy ?? throw new ArgumentNullException(nameof(policy));
        this.filter = filter;
        this.deterministic = deterministic;
        rng = new Rng(seed);
        input = new float[policy.ObservationSize];
    }

    /// <inheritdoc />
    public int ObservationSize => policy.ObservationSize;

    /// <inheritdoc />
    public int ActionSize => policy.ActionSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize || action.Length != ActionSize)
            throw new ArgumentException($"PolicyActor: expected an observation of {ObservationSize} and an action buffer of {ActionSize}, got {observation.Length} and {action.Length}.");
        if (filter is null)
        {
            for (int i = 0; i < input.Length; i++) input[i] = (float)observation[i];
        }
        else
        {
            bool training = filter.Training;
            filter.Training = false;
            filter.Apply(observation, input);
            filter.Training = training;
        }
        using var noGrad = Autograd.NoGrad();
        using var scope = TensorScope.Begin();
        IActionDistribution pi = policy.Distribution(Tensor.FromArray(input, 1, input.Length));
        if (deterministic) pi.Mode(action);
        else pi.Sample(rng, action);
        if (policy.ActionSpace is Box box) box.Clip(action);
    }

    /// <inheritdoc />
    public void Reset() { }
}
