// One closed-loop MPC episode with a planner of the registry on the env's true model: whether the task was
// achieved, the return, and how long each replan took (the cold first replan apart from the warm ones). What
// `control plan` runs, and the demo's swing-ups. With an output directory it also writes the trajectory and the
// replan times, for `control plot` and `control report`.
using System.Globalization;
using System.Text;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Experiments.Artifacts;
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
        ArgumentNullException.ThrowIfNull(request);
        (string envName, string plannerName, long seed, int? steps) = (request.Env, request.Planner, request.Seed, request.Steps);
        if (steps is <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        IEnv env = Envs.Make(envName, seed);
        MpcController mpc = Controller(env, plannerName, request.Horizon, seed);
        IPlanner planner = mpc.Planner;
        var runner = new EpisodeRunner(env, PolicyInput.State);
        var rows = new StringBuilder();
        double dt = mpc.Planner.Dynamics.TimeStep;
        EpisodeResult result = runner.Run(mpc, seed, steps ?? int.MaxValue, request.OutputDirectory is null ? null : (in EpisodeStep s) => AppendRow(rows, s, dt));
        IReadOnlyList<double> seconds = mpc.ReplanSeconds;
        if (seconds.Count == 0) throw new ArgumentException($"{envName}: the episode ended before the first replan");
        double[] warm = seconds.Skip(1).Select(s => 1e3 * s).Order().ToArray();
        double? Percentile(int p) => warm.Length == 0 ? null : warm[Math.Max(1, (p * warm.Length + 99) / 100) - 1];
        var report = new PlanReport(envName, plannerName, planner.Horizon, seed, result.Steps, result.Success, result.Return,
            1e3 * seconds[0], mpc.ReplanIterations[0], warm.Length == 0 ? null : warm.Average(), Percentile(50), Percentile(95), Percentile(99),
            warm.Length == 0 ? null : mpc.ReplanIterations.Skip(1).Average());
        if (request.OutputDirectory is not string directory) return report;
        Directory.CreateDirectory(directory);
        int n = mpc.ObservationSize, m = mpc.ActionSize;
        string header = string.Join(',', new[] { "time_s" }.Concat(Enumerable.Range(0, n).Select(i => $"x{i}")).Concat(Enumerable.Range(0, m).Select(j => $"u{j}")).Append("reward"));
        string trajectory = Path.Combine(directory, RunFiles.Trajectory);
        RunFiles.WriteText(trajectory, header + "\n" + rows);
        var replans = new StringBuilder("replan,ms,iterations\n");
        for (int i = 0; i < seconds.Count; i++) replans.Append(CultureInfo.InvariantCulture, $"{i},{1e3 * seconds[i]:R},{mpc.ReplanIterations[i]}\n");
        RunFiles.WriteText(Path.Combine(directory, RunFiles.Replans), replans.ToString());
        return report with { Trajectory = Path.GetFullPath(trajectory) };
    }

    // One CSV row: the time at the step's start, the state the controller read, the action it took, the reward.
    private static void AppendRow(StringBuilder rows, in EpisodeStep step, double dt)
    {
        rows.Append((step.Index * dt).ToString("R", CultureInfo.InvariantCulture));
        foreach (double v in step.State) rows.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
        foreach (double v in step.Action) rows.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
        rows.Append(',').Append(step.Result.Reward.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
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
