// `control bench planners`: the task x planner table (success over seeds, return, time per replan, iterations)
// and the planning speed figures: warm-started iLQR-MPC replans per second, the cold iLQR swing-up solve with its
// time split by phase, and sampling-planner replans per second on one and two cores.
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Control.Core.Envs;
using Control.Experiments;
using Control.Planning;
using Control.Planning.Registry;
using Control.Robots;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>Planner benchmarks.</summary>
public static class PlannerBench
{
    /// <summary>Envs of the planner benchmark.</summary>
    public static readonly string[] BenchEnvs = ["pendulum", "cartpole-swingup", "acrobot-swingup", "quadrotor2d", "reacher2d"];

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var seeds = new Option<int>("--seeds") { Description = "Episodes (seeds 1..N) per env and planner.", DefaultValueFactory = _ => 5 };
        var planners = new Option<string?>("--planners") { Description = $"Comma-separated subset of {string.Join(", ", Planners.Names)} (default: all)." };
        var envs = new Option<string?>("--envs") { Description = $"Comma-separated subset of {string.Join(", ", BenchEnvs)} (default: all)." };
        var command = new Command("planners", "Task x planner table over seeds, and the planning speed figures.") { json, seeds, planners, envs };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(seeds),
            parse.GetValue(planners), parse.GetValue(envs))));
        return command;
    }

    /// <summary>One row of the task x planner table; means are over the episodes whose planning did not fail.</summary>
    private sealed record TableRow(string env, string planner, int horizon, int seeds, int successes, double return_mean,
        double replan_ms_mean, double replan_ms_p95, double iterations_mean);

    /// <summary>One cold solve: the fastest of <see cref="ColdRepeats"/> timed solves (they are identical), its outcome and phase split.</summary>
    private sealed record ColdSeed(long seed, int stages, int threads, double solve_ms, int iterations, bool converged, double cost,
        bool final_state_at_goal, bool last_second_at_goal, double rollout_ms, double derivatives_ms, double backward_ms,
        double line_search_ms, double per_iteration_ms);

    /// <summary>Cold solves of one stage and thread count over the seeds: the median time, how many reached the goal, and the per-seed rows.</summary>
    private sealed record ColdSolve(string env, int horizon, int stages, int threads, int seeds, double solve_ms_median, double iterations_median,
        int converged, int final_state_at_goal, int last_second_at_goal, double per_iteration_ms, IReadOnlyList<ColdSeed> rows);

    private const int ColdRepeats = 5;

    private static int Execute(CommandContext context, bool json, int seeds, string? plannerList, string? envList)
    {
        if (seeds < 1) throw new ArgumentException($"expected --seeds >= 1, got {seeds}");
        string[] planners = Subset(plannerList, Planners.Names, "--planners");
        string[] envs = Subset(envList, BenchEnvs, "--envs");

        var rows = new List<TableRow>();
        foreach (string env in envs)
        {
            foreach (string planner in planners)
            {
                var runs = Enumerable.Range(1, seeds).Select(seed => RunOrFail(context, env, planner, seed)).ToList();
                rows.Add(new TableRow(env, planner, runs[0].Horizon, seeds, runs.Count(r => r.Success), FiniteMean(runs.Select(r => r.Return)),
                    FiniteMean(runs.Select(r => r.ReplanMsMean)), runs.Select(r => r.ReplanMsP95).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
                    FiniteMean(runs.Select(r => r.IterationsMean))));
                if (!json) context.Error.WriteLine($"{env} / {planner}: {rows[^1].successes}/{seeds} successes");
            }
        }
        ColdSolve[] cold = [.. from stages in ColdStagesCompared from threads in new[] { 1, 2 } select ColdIlqr("cartpole-swingup", 100, seeds, stages, threads)];
        var warm = Enumerable.Range(1, seeds).Select(seed => PlanRun.Run(new PlanRequest("cartpole-swingup", "ilqr", seed) { Horizon = 100 })).ToList();
        var warmFigure = new
        {
            env = "cartpole-swingup", horizon = 100, seeds, successes = warm.Count(r => r.Success),
            replan_ms_mean = warm.Average(r => r.WarmReplanMsMean), replans_per_second = 1000 / warm.Average(r => r.WarmReplanMsMean),
            iterations_mean = warm.Average(r => r.WarmIterationsMean),
        };

        if (json)
        {
            context.WriteJson(new { table = rows, cold_ilqr = cold, warm_ilqr_mpc = warmFigure });
            return 0;
        }
        string F(double v, string f = "F2") => v.ToString(f, CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("env", "planner", "horizon", "success", "return", "replan ms (mean)", "replan ms (p95)", "replans/s", "iterations");
        foreach (TableRow r in rows)
        {
            table.AddRow(r.env, r.planner, r.horizon.ToString(CultureInfo.InvariantCulture), $"{r.successes}/{r.seeds}", F(r.return_mean),
                F(r.replan_ms_mean, "F3"), F(r.replan_ms_p95, "F3"), F(1000 / r.replan_ms_mean, "F0"), F(r.iterations_mean));
        }
        context.Console.Write(table);
        context.Output.WriteLine(
            $"warm-started iLQR-MPC, cartpole-swingup (horizon 100, {seeds} episodes, replans after the first): {F(warmFigure.replans_per_second, "F0")} replans/s " +
            $"({F(warmFigure.replan_ms_mean, "F3")} ms mean, {F(warmFigure.iterations_mean)} iterations per replan), {warmFigure.successes}/{seeds} successes");
        var coldTable = new Table().AddColumns("stages", "threads", "seed", "solve ms", "iterations", "converged", "cost", "final state at goal",
            "last second at goal", "ms/iteration", "derivatives", "backward", "line search");
        foreach (ColdSeed r in cold.SelectMany(c => c.rows))
        {
            coldTable.AddRow(r.stages.ToString(CultureInfo.InvariantCulture), r.threads.ToString(CultureInfo.InvariantCulture), r.seed.ToString(CultureInfo.InvariantCulture), F(r.solve_ms),
                r.iterations.ToString(CultureInfo.InvariantCulture), r.converged ? "yes" : "no", F(r.cost), r.final_state_at_goal ? "yes" : "no",
                r.last_second_at_goal ? "yes" : "no", F(r.per_iteration_ms, "F3"), F(r.derivatives_ms, "F3"), F(r.backward_ms, "F3"), F(r.line_search_ms, "F3"));
        }
        context.Console.Write(coldTable);
        foreach (ColdSolve c in cold)
        {
            context.Output.WriteLine(
                $"cold iLQR solve, {c.env} (horizon {c.horizon}, zero initial controls, {c.stages} stage(s), {c.threads} thread(s), {c.seeds} seeds): median {F(c.solve_ms_median)} ms, " +
                $"median {F(c.iterations_median, "F0")} iterations, {F(c.per_iteration_ms, "F3")} ms per iteration; converged {c.converged}/{c.seeds}, " +
                $"final state at the goal {c.final_state_at_goal}/{c.seeds}, at the goal over the last second {c.last_second_at_goal}/{c.seeds}");
        }
        return 0;
    }

    // Cold solves from the env's standard initial states, in one solve over the whole horizon (the classic iLQR) and
    // with horizon continuation (ColdStages = 3: H/4, H/2, H). Untimed solves first run for WarmupSeconds so that the
    // JIT has compiled the optimized code (tiered compilation recompiles hot methods after a delay). The planner is
    // built once per seed, and each of ColdRepeats timed solves starts from zero controls (Reset) and runs to its own
    // convergence test (iteration budget 500 per stage); the solves are bitwise identical, so the fastest one is the
    // time with the least interference. The outcome checks the env's goal (upright and still for the cart-pole) at
    // the final state and at every state of the last second.
    private static readonly int[] ColdStagesCompared = [1, 3];
    private const double WarmupSeconds = 0.5;

    private static ColdSolve ColdIlqr(string envName, int horizon, int seeds, int stages, int threads)
    {
        var rows = new List<ColdSeed>();
        var config = new IlqrConfig { Horizon = horizon, MaxIterations = 500, Threads = threads, ColdStages = stages };
        (IModelEnv warmupModel, _, double[] warmupState) = StandardStart(envName, 1);
        var warmupPlanner = new Ilqr(warmupModel.Dynamics, warmupModel.Cost, config);
        for (long begin = Stopwatch.GetTimestamp(); Stopwatch.GetElapsedTime(begin).TotalSeconds < WarmupSeconds;)
        {
            warmupPlanner.Reset();
            warmupPlanner.Plan(warmupState);
        }
        for (int seed = 1; seed <= seeds; seed++)
        {
            (IModelEnv model, IGoalEnv goal, double[] x0) = StandardStart(envName, seed);
            var planner = new Ilqr(model.Dynamics, model.Cost, config);
            planner.Plan(x0);
            double best = double.PositiveInfinity;
            PlanResult result = default;
            for (int repeat = 0; repeat < ColdRepeats; repeat++)
            {
                planner.Reset();
                long start = Stopwatch.GetTimestamp();
                result = planner.Plan(x0);
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            double rollout = 0, derivatives = 0, backward = 0, lineSearch = 0;
            foreach (IlqrIteration it in planner.Iterations)
            {
                rollout += 1e3 * it.RolloutSeconds;
                derivatives += 1e3 * it.DerivativeSeconds;
                backward += 1e3 * it.BackwardSeconds;
                lineSearch += 1e3 * it.LineSearchSeconds;
            }
            int n = model.StateSize, lastSecond = (int)Math.Round(1 / model.Dynamics.TimeStep);
            double[] states = result.Trajectory.States;
            bool final = goal.AtGoal(states.AsSpan(horizon * n, n));
            bool held = Enumerable.Range(horizon - lastSecond, lastSecond + 1).All(t => goal.AtGoal(states.AsSpan(t * n, n)));
            int count = result.Iterations;
            rows.Add(new ColdSeed(seed, stages, threads, best, count, result.Converged, result.Cost, final, held, rollout,
                derivatives / count, backward / count, lineSearch / count, best / count));
        }
        static double Median(IEnumerable<double> values)
        {
            double[] sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        }
        return new ColdSolve(envName, horizon, stages, threads, seeds, Median(rows.Select(r => r.solve_ms)), Median(rows.Select(r => (double)r.iterations)),
            rows.Count(r => r.converged), rows.Count(r => r.final_state_at_goal), rows.Count(r => r.last_second_at_goal),
            rows.Sum(r => r.solve_ms) / rows.Sum(r => r.iterations), rows);
    }

    // The env of a seed after its reset: its model, its goal test and the standard initial state.
    private static (IModelEnv Model, IGoalEnv Goal, double[] State) StandardStart(string envName, long seed)
    {
        IEnv env = Envs.Make(envName, seed);
        IModelEnv model = env.Find<IModelEnv>()!;
        env.Reset(new double[env.ObservationSpace.FlatSize], seed);
        var x0 = new double[model.StateSize];
        model.GetState(x0);
        return (model, env.Find<IGoalEnv>()!, x0);
    }

    // A planner that gives up (e.g. LQR on a cost that stays non-convex) fails that episode; the reason goes to stderr.
    private static PlanReport RunOrFail(CommandContext context, string env, string planner, long seed)
    {
        try
        {
            return PlanRun.Run(new PlanRequest(env, planner, seed));
        }
        catch (PlanningException e)
        {
            context.Error.WriteLine($"{env} / {planner} / seed {seed}: planning failed: {e.Message}");
            return new PlanReport(env, planner, Planners.DefaultHorizon(planner, env), seed, 0, false, double.NaN,
                double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }
    }

    // Mean over the episodes that ran (a failed plan leaves NaN); NaN when none did.
    private static double FiniteMean(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();

    private static string[] Subset(string? list, string[] all, string option)
    {
        if (list is null) return all;
        string[] chosen = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        foreach (string name in chosen)
        {
            if (!all.Contains(name)) throw new ArgumentException($"{option}: unknown '{name}'; expected some of {string.Join(", ", all)}");
        }
        return chosen;
    }
}
