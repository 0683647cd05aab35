// `control plan`: closed-loop MPC with a planner on the env's true model, reporting whether the task was achieved,
// the return, and how long each replan took.
using System.CommandLine;
using System.Globalization;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Planning;
using Control.Planning.Registry;
using Control.Robots;

namespace Control.Cli.Commands;

/// <summary>Runs one MPC episode with a planner.</summary>
public static class PlanCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var env = new Option<string>("--env") { Description = "Environment name (an analytic robot with a model, see `control envs`).", Required = true };
        var planner = new Option<string>("--planner") { Description = $"Planner: {string.Join(", ", Planners.Names)}.", Required = true };
        var horizon = new Option<int?>("--horizon") { Description = "Planning horizon in steps (default: tuned per env and planner)." };
        var steps = new Option<int?>("--steps") { Description = "Env steps to run (default: the env's episode length)." };
        var seed = new Option<long>("--seed") { Description = "Seed of the env's initial state and of sampling planners.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("plan", "Closed-loop MPC with a planner on the env's true model.") { env, planner, horizon, steps, seed, json };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(env)!, parse.GetValue(planner)!,
            parse.GetValue(horizon), parse.GetValue(steps), parse.GetValue(seed), parse.GetValue(json))));
        return command;
    }

    /// <summary>What one MPC episode gave.</summary>
    /// <param name="Env">Env name.</param>
    /// <param name="Planner">Planner name.</param>
    /// <param name="Horizon">Planning horizon (steps).</param>
    /// <param name="Seed">Seed of the episode.</param>
    /// <param name="Success">The episode ended at the env's goal.</param>
    /// <param name="Return">Sum of rewards.</param>
    /// <param name="Steps">Env steps taken.</param>
    /// <param name="ReplanMsMean">Mean wall-clock time per replan (ms).</param>
    /// <param name="ReplanMsP95">95th percentile of the replan times (ms).</param>
    /// <param name="IterationsMean">Mean planner iterations per replan.</param>
    /// <param name="WarmReplanMsMean">Mean over the replans after the first (the first starts cold).</param>
    /// <param name="WarmIterationsMean">Mean iterations over the replans after the first.</param>
    public sealed record PlanRun(string Env, string Planner, int Horizon, long Seed, bool Success, double Return, int Steps,
        double ReplanMsMean, double ReplanMsP95, double IterationsMean, double WarmReplanMsMean, double WarmIterationsMean)
    {
        /// <summary>Replans per second of planner time.</summary>
        public double ReplansPerSecond => 1000.0 / ReplanMsMean;
    }

    /// <summary>Runs planner <paramref name="plannerName"/> as MPC on <paramref name="envName"/> for one episode.</summary>
    public static PlanRun Run(string envName, string plannerName, int? horizon, int? steps, long seed)
    {
        if (steps is <= 0) throw new ArgumentException($"expected a positive --steps, got {steps}");
        IEnv env = Envs.Make(envName, seed);
        IModelEnv model = env.Find<IModelEnv>() ?? throw new ArgumentException(
            $"{envName}: planning needs an env that exposes its model (IModelEnv); this one does not");
        if (env.ActionSpace is not Box)
            throw new ArgumentException($"{envName}: planning needs continuous actions; this env's actions are {env.ActionSpace.Describe()}");
        IPlanner planner = Planners.Create(plannerName, envName, model, horizon, seed);
        var mpc = new MpcController(planner);
        ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed, steps ?? int.MaxValue);
        double[] ms = mpc.ReplanSeconds.Select(s => 1e3 * s).Order().ToArray();
        if (ms.Length == 0) throw new ArgumentException($"{envName}: the episode ended before the first replan");
        return new PlanRun(envName, plannerName, planner.Horizon, seed, result.Success, result.Return, result.Steps,
            ms.Average(), ms[Math.Min(ms.Length - 1, (int)Math.Ceiling(0.95 * ms.Length) - 1)], mpc.ReplanIterations.Average(),
            mpc.ReplanSeconds.Count > 1 ? 1e3 * mpc.ReplanSeconds.Skip(1).Average() : double.NaN,
            mpc.ReplanIterations.Count > 1 ? mpc.ReplanIterations.Skip(1).Average() : double.NaN);
    }

    private static int Execute(CommandContext context, string envName, string plannerName, int? horizon, int? steps, long seed, bool json)
    {
        PlanRun run = Run(envName, plannerName, horizon, steps, seed);
        if (json)
        {
            context.WriteJson(new
            {
                env = run.Env, planner = run.Planner, horizon = run.Horizon, seed = run.Seed, steps = run.Steps,
                success = run.Success, @return = run.Return, replans_per_second = run.ReplansPerSecond,
                replan_ms_mean = run.ReplanMsMean, replan_ms_p95 = run.ReplanMsP95, iterations_mean = run.IterationsMean,
            });
            return 0;
        }
        string F(double v, string format) => v.ToString(format, CultureInfo.InvariantCulture);
        context.Output.WriteLine($"{run.Env} with {run.Planner}-MPC (horizon {run.Horizon}, seed {run.Seed}), {run.Steps} steps");
        context.Output.WriteLine($"  success:          {(run.Success ? "yes" : "no")}");
        context.Output.WriteLine($"  return:           {F(run.Return, "F2")}");
        context.Output.WriteLine($"  replan time:      {F(run.ReplanMsMean, "F3")} ms mean, {F(run.ReplanMsP95, "F3")} ms p95 ({F(run.ReplansPerSecond, "F0")} replans/s)");
        context.Output.WriteLine($"  iterations:       {F(run.IterationsMean, "F2")} per replan");
        return 0;
    }
}
