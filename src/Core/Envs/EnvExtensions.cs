namespace Control.Core.Envs;

/// <summary>Allocating conveniences over <see cref="IEnv"/>, for scripts, tests and the CLI.</summary>
public static class EnvExtensions
{
    /// <summary>Resets and returns the first observation as a new array.</summary>
    public static double[] Reset(this IEnv env, long? seed = null)
    {
        var observation = new double[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed);
        return observation;
    }

    /// <summary>Steps and returns the whole transition with a new observation array.</summary>
    public static Transition Step(this IEnv env, ReadOnlySpan<double> action)
    {
        var observation = new double[env.ObservationSpace.FlatSize];
        StepResult r = env.Step(action, observation);
        return new Transition(observation, r.Reward, r.Terminated, r.Truncated);
    }

    /// <summary>Steps a <see cref="Discrete"/> env with action <paramref name="action"/>.</summary>
    public static Transition Step(this IEnv env, int action) => env.Step([(double)action]);

    /// <summary>The first env of type <typeparamref name="T"/> in the wrapper chain, starting at <paramref name="env"/>; null if none.</summary>
    public static T? Find<T>(this IEnv env) where T : class
    {
        for (IEnv? e = env; e is not null; e = (e as IWrapper)?.Inner)
        {
            if (e is T found) return found;
        }
        return null;
    }
}
