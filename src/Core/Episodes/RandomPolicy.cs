using Control.Core.Envs;

namespace Control.Core.Episodes;

/// <summary>
/// Uniform random actions from a space, ignoring the input: the base policy of data collection and the random
/// reference of benchmarks. Its generator runs on across episodes (<see cref="Reset"/> does not reseed it).
/// </summary>
/// <param name="actionSpace">Space the actions are drawn from.</param>
/// <param name="inputSize">Length of the input it accepts (and ignores).</param>
/// <param name="random">The generator; owned by the policy from then on.</param>
public sealed class RandomPolicy(Space actionSpace, int inputSize, Rng random) : IPolicy
{
    /// <inheritdoc />
    public int ObservationSize { get; } = inputSize;

    /// <inheritdoc />
    public int ActionSize { get; } = actionSpace.FlatSize;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observation, Span<double> action) => actionSpace.Sample(random, action);

    /// <inheritdoc />
    public void Reset() { }
}
