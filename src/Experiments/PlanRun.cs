// One closed-loop MPC episode with a planner of the registry on the env's true model: whether the task was
// achieved, the return, and how long each replan took. What `control plan` runs, and the demo's swing-ups.
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Planning;
using Control.Planning.Registry;
using Control.Robots;

namespace Control.Experiments;

/// <summary>Runs one MPC episode with a planner.</summary>
public static class PlanRun
{
    /// <summary>Runs planner <see cref="PlanRequest.Planner"/> as MPC on <see cref="PlanRequest.Env"/> for one episode.</summary>
    public static PlanReport Run(PlanRequest request)
    {
        (string envName, string plannerName, long seed, int? steps) = (request.Env, request.Planner, request.Seed, request.Steps);
        if (steps is <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        IEnv env = Envs.Make(envName, seed);
        MpcController mpc = Controller(env, plannerName, request.Horizon, seed);
        IPlanner planner = mpc.Planner;
        ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed, steps ?? int.MaxValue);
        double[] ms = mpc.ReplanSeconds.Select(s => 1e3 * s).Order().ToArray();
        if (ms.Length == 0) throw new ArgumentException($"{envName}: the episode ended before the first replan");
        return new PlanReport(envName, plannerName, planner.Horizon, seed, result.Steps, result.Success, result.Return,
            ms.Average(), ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(0.95 * ms.Length) - 1)], mpc.ReplanIterations.Average(),
            mpc.ReplanSeconds.Count > 1 ? 1e3 * mpc.ReplanSeconds.Skip(1).Average() : double.NaN,
            mpc.ReplanIterations.Count > 1 ? mpc.ReplanIterations.Skip(1).Average() : double.NaN);
    }

    /// <summary>
    /// The controller `control plan` runs: planner <paramref name="planner"/> of the registry (its preset for the env) on
    /// <paramref name="env"/>'s true model, replanning every step; it reads the env's state. Also the expert of `control distill`.
    /// </summary>
    /// <exception cref="ArgumentException">The env has no model or no continuous actions, or the planner is unknown.</exception>
    public static MpcController Controller(IEnv env, string planner, int? horizon, long seed)
    {
        ArgumentNullException.ThrowIfNull(env);
        IModelEnv model = env.Find<IModelEnv>() ?? throw new ArgumentException(
            $"{env.Name}: planning needs an env that exposes its model (IModelEnv); this one does not");
        if (env.ActionSpace is not Box)
            throw new ArgumentException($"{env.Name}: planning needs continuous actions; this env's actions are {env.ActionSpace.Describe()}");
        return new MpcController(Planners.Create(planner, env.Name, model, horizon, seed));
    }
}
