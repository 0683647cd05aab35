namespace Control.Policies.Common;

/// <summary>
/// The two streams of a dueling Q network (Wang et al. 2016, "Dueling Network Architectures for Deep Reinforcement
/// Learning") on the trunk's features h: Q(s, .) = V(h) + A(h) - mean_a A(h, a).
/// </summary>
/// <param name="Value">The state-value stream, features -> 1 (no activation).</param>
/// <param name="Advantage">The advantage stream, features -> actions (no activation).</param>
public sealed record DuelingHeads(DenseLayer Value, DenseLayer Advantage);
