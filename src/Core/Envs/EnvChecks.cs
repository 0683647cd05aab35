namespace Control.Core.Envs;

/// <summary>The checks every env and wrapper applies, with messages that name env, expectation and value.</summary>
public static class EnvChecks
{
    /// <summary>Throws <see cref="InvalidActionException"/> unless <paramref name="action"/> fits the env's action space.</summary>
    public static void Action(IEnv env, ReadOnlySpan<double> action)
    {
        Space space = env.ActionSpace;
        if (action.Length != space.FlatSize)
        {
            throw new InvalidActionException(env.Name,
                $"expected an action of length {space.FlatSize} for {space.Describe()}, got length {action.Length}");
        }
        for (int i = 0; i < action.Length; i++)
        {
            if (!double.IsFinite(action[i]))
            {
                throw new InvalidActionException(env.Name,
                    $"expected finite action values for {space.Describe()}, got {action[i]} at index {i}");
            }
        }
        if (space is Discrete discrete && !discrete.Contains(action))
        {
            throw new InvalidActionException(env.Name,
                $"expected an integer action in [0, {discrete.N - 1}] for {discrete.Describe()}, got {action[0]}");
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the observation buffer has the observation's size.</summary>
    public static void ObservationLength(IEnv env, Span<double> observation)
    {
        if (observation.Length != env.ObservationSpace.FlatSize)
        {
            throw new ArgumentException(
                $"{env.Name}: expected an observation buffer of length {env.ObservationSpace.FlatSize}, got length {observation.Length}.",
                nameof(observation));
        }
    }

    /// <summary>Throws <see cref="InvalidStateException"/> unless <paramref name="state"/> has the expected length and is finite.</summary>
    public static void State(string envName, int expectedLength, ReadOnlySpan<double> state)
    {
        if (state.Length != expectedLength)
            throw new InvalidStateException(envName, $"expected a state of length {expectedLength}, got length {state.Length}");
        for (int i = 0; i < state.Length; i++)
        {
            if (!double.IsFinite(state[i]))
                throw new InvalidStateException(envName, $"expected finite state values, got {state[i]} at index {i}");
        }
    }
}
