namespace Control.Core.Envs;

/// <summary>
/// An env whose task is unchanged by a reflection g (a left-right mirror): the dynamics commute with it, f(g x, g u) =
/// g f(x, u), and the reward is the same, r(g x, g u) = r(x, u), with the observation of g x the mirror of the
/// observation of x and the start distribution symmetric. Its optimal policy is then equivariant, pi*(g o) = g pi*(o), so
/// a label (o, u) of an expert on the task is also a label (g o, g u) of that expert's mirror image: imitation learning
/// fits both (<c>DaggerConfig.Mirror</c>). g is an involution: g g = identity.
/// </summary>
public interface IMirrorSymmetricEnv : IStatefulEnv
{
    /// <summary>
    /// Writes g x, the mirror image of the state <paramref name="state"/>, into <paramref name="mirrored"/>; by default
    /// every coordinate changes sign (angles, positions and rates measured from a symmetric rest pose).
    /// </summary>
    void MirrorState(ReadOnlySpan<double> state, Span<double> mirrored)
    {
        for (int i = 0; i < state.Length; i++) mirrored[i] = -state[i];
    }

    /// <summary>Writes the mirror image of the observation <paramref name="observation"/> into <paramref name="mirrored"/>.</summary>
    void MirrorObservation(ReadOnlySpan<double> observation, Span<double> mirrored);

    /// <summary>Writes g u, the mirror image of the action <paramref name="action"/>, into <paramref name="mirrored"/>; by default every value changes sign.</summary>
    void MirrorAction(ReadOnlySpan<double> action, Span<double> mirrored)
    {
        for (int i = 0; i < action.Length; i++) mirrored[i] = -action[i];
    }
}
