// `control demo`: the toolkit's main job end to end on the embedded analytic robots, in stages that later
// capabilities extend. Needs nothing native; runs in seconds on two cores.
using System.CommandLine;
using System.Diagnostics;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Robots;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>Runs the demo stages and prints a summary of each.</summary>
public static class DemoCommand
{
    /// <summary>Env steps of the demo's PPO run (the RL Zoo's CartPole budget).</summary>
    public const long PpoSteps = 100_000;

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var seed = new Option<long>("--seed") { Description = "Seed of every random choice in the demo.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var command = new Command("demo", "Run the main job on the embedded robots: episodes, exact Jacobians, batched stepping, iLQR-MPC swing-ups, a learned-model loop, PPO on CartPole.") { seed, json };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(seed), parse.GetValue(json))));
        return command;
    }

    private static int Execute(CommandContext context, long seed, bool json)
    {
        var episodes = Envs.Names.Select((name, i) => RandomEpisode(name, seed + i)).ToList();
        var jacobians = Envs.Names.Select(name => JacobianCheck(name, seed)).Where(r => r is not null).Select(r => r!).ToList();
        var batches = new[] { "cartpole", "reacher2d" }.SelectMany(name => new[] { 1, 2 }.Select(workers => BatchThroughput(name, 256, workers, seed))).ToList();
        var swingUps = new[] { "pendulum", "cartpole-swingup", "acrobot-swingup" }.Select(name => PlanCommand.Run(name, "ilqr", null, null, seed + 1))
            .Select(r => new SwingUpRow(r.Env, r.Horizon, r.Success, r.Return, r.Steps, r.ReplanMsMean, r.WarmIterationsMean)).ToList();
        MbrlCommand.MbrlRun learned = MbrlCommand.Run("pendulum", "mpc-ilqr", 2000, seed + 1);
        var learnedRow = new LearnedRow(learned.Env, learned.Method, learned.EnvSteps, learned.Iterations[^1].HoldoutLoss,
            learned.Iterations[^1].MultiStepError, learned.ReturnLearned, learned.ReturnTrueModel, learned.ReturnRandom, learned.Score);

        TrainCommand.TrainRun ppo = TrainCommand.Train("cartpole", "ppo", PpoSteps, seed + 1);
        var ppoRow = new PpoRow(ppo.Run.Env, ppo.Run.Algorithm, ppo.Training.EnvSteps, ppo.Evaluation.Mean, ppo.Evaluation.Std, ppo.Training.StepsPerSecond,
            ppo.Training.Elapsed.TotalSeconds);

        if (json)
        {
            context.WriteJson(new { episodes, jacobians, vector = batches, ilqr_mpc = swingUps, learned_model = learnedRow, model_free = ppoRow });
            return 0;
        }
        IAnsiConsole console = context.Console;
        console.Write(new Rule("1. One episode of every env under a random policy"));
        var t1 = new Table().AddColumns("env", "steps", "return", "ended by", "env steps/s (20k steps)");
        foreach (EpisodeRow e in episodes)
            t1.AddRow(e.env, e.steps.ToString(), e.@return.ToString("G5"), e.terminated ? "termination" : e.truncated ? "time limit" : "-", e.steps_per_second.ToString("N0"));
        console.Write(t1);
        console.Write(new Rule("2. Exact Jacobians (forward-mode) against central finite differences"));
        var t2 = new Table().AddColumns("env", "n", "m", "points", "max |A - A_fd|", "max |B - B_fd|");
        foreach (JacobianRow j in jacobians)
            t2.AddRow(j.env, j.n.ToString(), j.m.ToString(), j.points.ToString(), j.max_error_a.ToString("E1"), j.max_error_b.ToString("E1"));
        console.Write(t2);
        console.Write(new Rule("3. Batched stepping: 256 copies with automatic reset, one and two threads"));
        var t3 = new Table().AddColumns("env", "workers", "env steps", "env steps/s");
        foreach (BatchRow b in batches) t3.AddRow(b.env, b.workers.ToString(), b.env_steps.ToString("N0"), b.env_steps_per_second.ToString("N0"));
        console.Write(t3);
        console.Write(new Rule("4. Swing-up by iLQR-MPC on the true model (box-constrained, warm-started, replanning every step)"));
        var t4 = new Table().AddColumns("env", "horizon", "upright and still at the end", "return", "steps", "ms per replan", "iterations per replan");
        foreach (SwingUpRow r in swingUps)
        {
            t4.AddRow(r.env, r.horizon.ToString(), r.success ? "yes" : "no", r.@return.ToString("F1"), r.steps.ToString(),
                r.replan_ms_mean.ToString("F3"), r.iterations_per_replan.ToString("F2"));
        }
        console.Write(t4);
        console.Write(new Rule("5. Learned dynamics: fit an MLP on real transitions, iLQR-MPC through it, append, refit"));
        var t5 = new Table().AddColumns("env", "loop", "real steps", "holdout loss", "10-step error", "return (learned model)", "return (true model)", "return (random)", "score");
        t5.AddRow(learnedRow.env, learnedRow.method, learnedRow.env_steps.ToString(), learnedRow.holdout_loss.ToString("G3"), learnedRow.multi_step_error.ToString("G3"),
            learnedRow.return_learned.ToString("F1"), learnedRow.return_true_model.ToString("F1"), learnedRow.return_random.ToString("F1"), learnedRow.score.ToString("F3"));
        console.Write(t5);
        console.Write(new Rule($"6. Model-free: PPO (clipped) on CartPole-v1 for {PpoSteps / 1000}k env steps, then 20 deterministic episodes"));
        var t6 = new Table().AddColumns("env", "algo", "env steps", "eval return (20 episodes)", "env steps/s", "seconds");
        t6.AddRow(ppoRow.env, ppoRow.algo, ppoRow.env_steps.ToString(), $"{ppoRow.eval_return:F1} +- {ppoRow.eval_return_std:F1}", ppoRow.steps_per_second.ToString("N0"),
            ppoRow.seconds.ToString("F1"));
        console.Write(t6);
        return 0;
    }

    private sealed record PpoRow(string env, string algo, long env_steps, double eval_return, double eval_return_std, double steps_per_second, double seconds);

    private sealed record EpisodeRow(string env, int steps, double @return, bool terminated, bool truncated, double steps_per_second);

    private sealed record JacobianRow(string env, int n, int m, int points, double max_error_a, double max_error_b);

    private sealed record LearnedRow(string env, string method, int env_steps, double holdout_loss, double multi_step_error,
        double return_learned, double return_true_model, double return_random, double score);

    private sealed record SwingUpRow(string env, int horizon, bool success, double @return, int steps, double replan_ms_mean, double iterations_per_replan);

    private sealed record BatchRow(string env, int copies, int workers, long env_steps, double env_steps_per_second);

    // One seeded episode for the summary, then the speed of stepping over many more (with resets).
    private static EpisodeRow RandomEpisode(string name, long seed)
    {
        IEnv env = Envs.Make(name, seed);
        var rng = new Rng(seed).Fork(1);
        var action = new double[env.ActionSpace.FlatSize];
        var observation = new double[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed);
        int steps = 0;
        double total = 0;
        StepResult r;
        do
        {
            env.ActionSpace.Sample(rng, action);
            r = env.Step(action, observation);
            total += r.Reward;
            steps++;
        } while (!r.Done);

        const int timedSteps = 20_000;
        var clock = Stopwatch.StartNew();
        env.Reset(observation);
        for (int t = 0; t < timedSteps; t++)
        {
            env.ActionSpace.Sample(rng, action);
            if (env.Step(action, observation).Done) env.Reset(observation);
        }
        return new EpisodeRow(name, steps, total, r.Terminated, r.Truncated, timedSteps / clock.Elapsed.TotalSeconds);
    }

    // Compares Linearize with central differences along a random trajectory, where the model is smooth
    // almost everywhere (points on a clip or wrap are rare and would show up as a large error).
    private static JacobianRow? JacobianCheck(string name, long seed)
    {
        IEnv env = Envs.Make(name, seed);
        if (env.Find<IModelEnv>() is not IModelEnv model) return null;
        IDynamics f = model.Dynamics;
        int n = f.StateSize, m = f.ControlSize;
        var rng = new Rng(seed).Fork(2);
        var x = new double[n];
        var u = new double[m];
        var next = new double[n];
        var fx = new double[n * n];
        var fu = new double[n * m];
        var fxNumeric = new double[n * n];
        var fuNumeric = new double[n * m];
        DynamicsWorkspace ws = f.CreateWorkspace();
        env.Reset(seed);
        model.GetState(x);
        double errorA = 0, errorB = 0;
        const int points = 20;
        for (int k = 0; k < points; k++)
        {
            f.ControlBounds.Sample(rng, u);
            for (int j = 0; j < m; j++) u[j] *= 0.9;
            f.Linearize(ws, x, u, next, fx, fu);
            FiniteDifferences.Linearize(f, x, u, fxNumeric, fuNumeric);
            for (int i = 0; i < fx.Length; i++) errorA = Math.Max(errorA, Math.Abs(fx[i] - fxNumeric[i]) / (1 + Math.Abs(fx[i])));
            for (int i = 0; i < fu.Length; i++) errorB = Math.Max(errorB, Math.Abs(fu[i] - fuNumeric[i]) / (1 + Math.Abs(fu[i])));
            next.CopyTo(x, 0);
        }
        return new JacobianRow(name, n, m, points, errorA, errorB);
    }

    private static BatchRow BatchThroughput(string name, int copies, int workers, long seed)
    {
        using var vec = Envs.MakeVector(name, copies, seed, new VectorEnvOptions { Workers = workers });
        vec.Reset(seed);
        var rng = new Rng(seed).Fork(3);
        var actions = new double[copies * vec.ActionSize];
        const int warmup = 100, batches = 400;
        for (int i = 0; i < copies; i++) vec.SingleActionSpace.Sample(rng, actions.AsSpan(i * vec.ActionSize, vec.ActionSize));
        for (int t = 0; t < warmup; t++) vec.Step(actions);
        var clock = Stopwatch.StartNew();
        for (int t = 0; t < batches; t++) vec.Step(actions);
        long steps = (long)batches * copies;
        return new BatchRow(name, copies, workers, steps, steps / clock.Elapsed.TotalSeconds);
    }
}
