namespace Control.Experiments;

/// <summary>One closed-loop MPC episode with a planner on an env's true model.</summary>
/// <param name="Env">Registered env name (an analytic robot with a model and continuous actions).</param>
/// <param name="Planner">Planner name of the registry (Control.Planning.Registry.Planners).</param>
/// <param name="Seed">Seed of the env's initial state and of sampling planners.</param>
public sealed record PlanRequest(string Env, string Planner, long Seed)
{
    /// <summary>Planning horizon in steps; null (the default) takes the registry's horizon for the env and planner.</summary>
    public int? Horizon { get; init; }

    /// <summary>Env steps to run; null (the default) runs to the end of the env's episode.</summary>
    public int? Steps { get; init; }

    /// <summary>
    /// Directory for the episode's files (written atomically): trajectory.csv (time, state, action and reward of every
    /// step) and replans.csv (each replan's time and iterations); null (the default) writes nothing.
    /// </summary>
    public string? OutputDirectory { get; init; }
}
