// The pieces every Q-learning method shares: how an observation becomes the network's input (a Box as its
// floats, a Discrete cell index as a one-hot vector), the importance-weighted Huber TD loss, and the greedy
// (or epsilon-greedy) policy pi(s) = argmax_a Q(s, a) as the IPolicy that controllers and the CLI use.
using Control.Core.Envs;

namespace Control.Policies.OffPolicy;

/// <summary>Observations as Q-network inputs: Box observations as floats, Discrete observations one-hot.</summary>
public static class QInputs
{
    /// <summary>Inputs per observation for <paramref name="space"/>.</summary>
    public static int Size(Space space) => space switch
    {
        Discrete d => d.N,
        Box b => b.FlatSize,
        _ => throw new ArgumentException($"Q-network input: unsupported observation space {space.Describe()}; expected Box or Discrete."),
    };

    /// <summary>Writes the inputs of the rows of <paramref name="raw"/> (observations of <paramref name="space"/>) into <paramref name="destination"/>.</summary>
    public static void Encode(Space space, ReadOnlySpan<double> raw, Span<float> destination)
    {
        int rowIn = space.FlatSize, rowOut = Size(space);
        if (raw.Length % rowIn != 0 || destination.Length != raw.Length / rowIn * rowOut)
            throw new ArgumentException($"Q-network input: expected rows of {rowIn} raw values and {rowOut} inputs each, got {raw.Length} and {destination.Length}.");
        if (space is not Discrete d)
        {
            for (int i = 0; i < raw.Length; i++) destination[i] = (float)raw[i];
            return;
        }
        destination.Clear();
        for (int r = 0; r < raw.Length; r++)
        {
            int cell = (int)raw[r];
            if (cell != raw[r] || (uint)cell >= (uint)d.N)
                throw new ArgumentException($"Q-network input: expected a cell index in [0, {d.N - 1}], got {raw[r]} in row {r}.");
            destination[r * d.N + cell] = 1f;
        }
    }
}
