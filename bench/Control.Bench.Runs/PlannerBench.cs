// The task x planner table (success over seeds, return, time per replan, iterations) and the planning speed
// figures: warm-started iLQR-MPC replans per second, and the cold iLQR swing-up solve with its time split by phase on
// one and two threads. What `control bench planners` runs.
using System.Diagnostics;
using Control.Core.Envs;
using Control.Experiments;
using Control.Experiments.Progress;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Planning.Registry;
using Control.Robots;

namespace Control.Bench.Runs;

/// <summary>Planner benchmarks.</summary>
public static class PlannerBench
{
    /// <summary>Envs of the planner benchmark.</summary>
    public static readonly string[] BenchEnvs = ["pendulum", "cartpole-swingup", "acrobot-swingup", "quadrotor2d", "reacher2d"];

    private const int ColdRepeats = 5;

    /// <summary>
    /// Runs every planner on every env over seeds 1..<paramref name="seeds"/>, then the cold and warm iLQR figures on the
    /// cart-pole swing-up at horizon 100. <paramref name="rowDone"/> sees each table row when it is measured;
    /// <paramref name="planningFailed"/> hears of each episode whose planner gave up (that episode counts as a failure);
    /// <paramref name="live"/> sees the episodes of the table, the cold solves and the warm episodes as they finish.
    /// </summary>
    public static PlannerBenchReport Run(int seeds, IReadOnlyList<string> planners, IReadOnlyList<string> envs,
        Action<PlannerTableRow>? rowDone = null, Action<string>? planningFailed = null, IRunProgress? live = null)
    {
        if (seeds < 1) throw new ArgumentException($"expected --seeds >= 1, got {seeds}");
        var rows = new List<PlannerTableRow>();
        int episodes = envs.Count * planners.Count * seeds, episodesDone = 0, successes = 0;
        foreach (string env in envs)
        {
            foreach (string planner in planners)
            {
                var runs = Enumerable.Range(1, seeds).Select(seed =>
                {
                    PlanReport run = RunOrFail(env, planner, seed, planningFailed);
                    if (run.Success) successes++;
                    live?.Report(TableStage, ++episodesDone, episodes, [new("successes", successes, "F0"), new("replan ms", run.ReplanMsMean ?? double.NaN, "F3")]);
                    return run;
                }).ToList();
                rows.Add(new PlannerTableRow(env, planner, runs[0].Horizon, seeds, runs.Count(r => r.Success), FiniteMean(runs.Select(r => r.Return)),
                    FiniteMean(runs.Select(r => r.ReplanMsMean ?? double.NaN)), runs.Select(r => r.ReplanMsP95 ?? double.NaN).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max(),
                    FiniteMean(runs.Select(r => r.IterationsMean ?? double.NaN))));
                rowDone?.Invoke(rows[^1]);
            }
        }
        var coldProgress = new ColdProgress(live, ColdStagesCompared.Length * 2 * seeds);
        ColdSolve[] cold = [.. from stages in ColdStagesCompared from threads in new[] { 1, 2 } select ColdIlqr("cartpole-swingup", 100, seeds, stages, threads, coldProgress)];
        var warm = Enumerable.Range(1, seeds).Select(seed =>
        {
            PlanReport run = PlanRun.Run(new PlanRequest("cartpole-swingup", "ilqr", seed) { Horizon = 100 });
            live?.Report(WarmStage, seed, seeds, [new("replan ms", run.ReplanMsMean ?? double.NaN, "F3")]);
            return run;
        }).ToList();
        var warmFigure = new WarmMpcFigure("cartpole-swingup", 100, seeds, warm.Count(r => r.Success), FiniteMean(warm.Select(r => r.ReplanMsMean ?? double.NaN)),
            1000 / FiniteMean(warm.Select(r => r.ReplanMsMean ?? double.NaN)), FiniteMean(warm.Select(r => r.IterationsMean ?? double.NaN)));
        return new PlannerBenchReport(rows, cold, warmFigure);
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

    // Names of the progress stages.
    private const string TableStage = "planner table (episodes)", ColdStage = "cold iLQR solves, cartpole-swingup", WarmStage = "warm iLQR-MPC, cartpole-swingup";

    // The cold solves' count across the four configurations, for one progress bar.
    private sealed class ColdProgress(IRunProgress? live, int total)
    {
        private int done;

        public void SolveDone(double solveMs, int iterations)
            => live?.Report(ColdStage, ++done, total, [new("solve ms", solveMs, "F2"), new("iterations", iterations, "F0")]);
    }

    private static ColdSolve ColdIlqr(string envName, int horizon, int seeds, int stages, int threads, ColdProgress progress)
    {
        var rows = new List<ColdSolveSeed>();
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
            rows.Add(new ColdSolveSeed(seed, stages, threads, best, count, result.Converged, result.Cost, final, held, rollout,
                derivatives / count, backward / count, lineSearch / count, best / count));
            progress.SolveDone(best, count);
        }
        static double Median(IEnumerable<double> values)
        {
            double[] sorted = values.Order().ToArray();
            return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : 0.5 * (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]);
        }
        return new ColdSolve(envName, horizon, stages, threads, seeds, Median(rows.Select(r => r.SolveMs)), Median(rows.Select(r => (double)r.Iterations)),
            rows.Count(r => r.Converged), rows.Count(r => r.FinalStateAtGoal), rows.Count(r => r.LastSecondAtGoal),
            rows.Sum(r => r.SolveMs) / rows.Sum(r => r.Iterations), rows);
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
    private static PlanReport RunOrFail(string env, string planner, long seed, Action<string>? planningFailed)
    {
        try
        {
            return PlanRun.Run(new PlanRequest(env, planner, seed));
        }
        catch (PlanningException e)
        {
            planningFailed?.Invoke($"{env} / {planner} / seed {seed}: planning failed: {e.Message}");
            return new PlanReport(env, planner, Planners.DefaultHorizon(planner, env), seed, 0, false, double.NaN,
                double.NaN, 0, null, null, null, null, null);
        }
    }

    // Mean over the episodes that ran (a failed plan leaves NaN); NaN when none did.
    private static double FiniteMean(IEnumerable<double> values) => values.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
}
