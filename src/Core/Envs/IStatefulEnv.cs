namespace Control.Core.Envs;

/// <summary>An env whose state can be read and set: replay from a given state, debugging, MPC.</summary>
public interface IStatefulEnv : IEnv
{
    /// <summary>Number of doubles in the state.</summary>
    int StateSize { get; }

    /// <summary>Copies the current state.</summary>
    void GetState(Span<double> state);

    /// <summary>Sets the state mid-episode (e.g. to replay from a given state); the episode goes on from it.</summary>
    void SetState(ReadOnlySpan<double> state);

    /// <summary>Writes the observation of state <paramref name="state"/>.</summary>
    void Observe(ReadOnlySpan<double> state, Span<double> observation);
}
