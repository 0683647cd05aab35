// `control demo`: the demo's stages (Experiments' DemoRun) printed as a table each.
using System.CommandLine;
using Control.Experiments;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>`control demo`.</summary>
public static class DemoCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var seed = new Option<long>("--seed") { Description = "Seed of every random choice in the demo.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of tables." };
        var command = new Command("demo", "Run the main job on the embedded robots: episodes, exact Jacobians, batched stepping, iLQR-MPC swing-ups, a learned-model loop, PPO on CartPole, its ONNX export in a 1 kHz control loop, a planner distilled into a network.") { seed, json };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(seed), parse.GetValue(json))));
        return command;
    }

    private static int Execute(CommandContext context, long seed, bool json)
    {
        DemoReport report = DemoRun.Run(seed);
        if (json)
        {
            context.WriteJson(report);
            return 0;
        }
        IAnsiConsole console = context.Console;
        console.Write(new Rule("1. One episode of every env under a random policy"));
        var t1 = new Table().AddColumns("env", "steps", "return", "ended by", "env steps/s (20k steps)");
        foreach (DemoEpisode e in report.Episodes)
            t1.AddRow(e.Env, e.Steps.ToString(), e.Return.ToString("G5"), e.Terminated ? "termination" : e.Truncated ? "time limit" : "-", e.StepsPerSecond.ToString("N0"));
        console.Write(t1);
        console.Write(new Rule("2. Exact Jacobians (forward-mode) against central finite differences"));
        var t2 = new Table().AddColumns("env", "n", "m", "points", "max |A - A_fd|", "max |B - B_fd|");
        foreach (DemoJacobian j in report.Jacobians)
            t2.AddRow(j.Env, j.N.ToString(), j.M.ToString(), j.Points.ToString(), j.MaxErrorA.ToString("E1"), j.MaxErrorB.ToString("E1"));
        console.Write(t2);
        console.Write(new Rule("3. Batched stepping: 256 copies with automatic reset, one and two threads"));
        var t3 = new Table().AddColumns("env", "workers", "env steps", "env steps/s");
        foreach (DemoBatch b in report.Vector) t3.AddRow(b.Env, b.Workers.ToString(), b.EnvSteps.ToString("N0"), b.EnvStepsPerSecond.ToString("N0"));
        console.Write(t3);
        console.Write(new Rule("4. Swing-up by iLQR-MPC on the true model (box-constrained, warm-started, replanning every step)"));
        var t4 = new Table().AddColumns("env", "horizon", "upright and still at the end", "return", "steps", "ms per replan", "iterations per replan");
        foreach (DemoSwingUp r in report.IlqrMpc)
        {
            t4.AddRow(r.Env, r.Horizon.ToString(), r.Success ? "yes" : "no", r.Return.ToString("F1"), r.Steps.ToString(),
                r.ReplanMsMean.ToString("F3"), r.IterationsPerReplan.ToString("F2"));
        }
        console.Write(t4);
        console.Write(new Rule("5. Learned dynamics: fit an MLP on real transitions, iLQR-MPC through it, append, refit"));
        var t5 = new Table().AddColumns("env", "loop", "real steps", "holdout loss", "10-step error", "return (learned model)", "return (true model)", "return (random)", "score");
        DemoLearnedModel l = report.LearnedModel;
        t5.AddRow(l.Env, l.Method, l.EnvSteps.ToString(), l.HoldoutLoss.ToString("G3"), l.MultiStepError.ToString("G3"),
            l.ReturnLearned.ToString("F1"), l.ReturnTrueModel.ToString("F1"), l.ReturnRandom.ToString("F1"), l.Score.ToString("F3"));
        console.Write(t5);
        console.Write(new Rule($"6. Model-free: PPO (clipped) on CartPole-v1 for {DemoRun.PpoSteps / 1000}k env steps, then 20 deterministic episodes"));
        var t6 = new Table().AddColumns("env", "algo", "env steps", "eval return (20 episodes)", "env steps/s", "seconds");
        DemoModelFree p = report.ModelFree;
        t6.AddRow(p.Env, p.Algo, p.EnvSteps.ToString(), $"{p.EvalReturn:F1} +- {p.EvalReturnStd:F1}", p.StepsPerSecond.ToString("N0"), p.Seconds.ToString("F1"));
        console.Write(t6);
        console.Write(new Rule("7. Deploy: that policy exported to ONNX, reloaded in ONNX Runtime, run by the 1 kHz control loop on the cart-pole"));
        DemoDeploy d = report.Deploy;
        if (d.Unavailable is not null)
        {
            context.Output.WriteLine($"skipped: {d.Unavailable}");
        }
        else
        {
            var t7 = new Table().AddColumns("ONNX Runtime vs Control: max |diff|", "differing actions", "episodes", "return", "returns = stage 6's on the same seeds", "1 kHz: tick p50 / p99 (us)", "deadline misses", "watchdog trips");
            t7.AddRow(d.ParityMaxAbsDiff?.ToString("E1") ?? "-", d.ActionMismatches.ToString(), d.Episodes.ToString(), d.MeanReturn?.ToString("F1") ?? "-", d.ReturnsEqualEvaluation ? "yes" : "no",
                $"{d.TickUsP50:F1} / {d.TickUsP99:F1}", d.DeadlineMisses.ToString(), d.WatchdogTrips.ToString());
            console.Write(t7);
        }
        console.Write(new Rule("8. MuJoCo robots (libmujoco-dev): a random episode of each, iLQR-MPC on the MuJoCo cart-pole and the quadrotor"));
        DemoMuJoCo mj = report.MuJoCo;
        if (mj.Unavailable is not null) context.Output.WriteLine($"skipped: {mj.Unavailable}");
        else WriteMuJoCo(console, mj);
        console.Write(new Rule($"9. Distill: iLQR-MPC on the cart-pole swing-up -> DAgger ({DemoRun.DistillLabels} expert labels) -> network -> ONNX, run in ONNX Runtime"));
        DemoDistill s = report.Distill;
        var t9 = new Table().AddColumns("env", "labels", "iterations", "return: expert / policy / ONNX", "score", "ms per expert action", "us per policy action", "ONNX Runtime vs Control: max |diff|");
        t9.AddRow(s.Env, s.Labels.ToString(), s.Iterations.ToString(), $"{s.ExpertReturn:F1} / {s.PolicyReturn:F1} / {s.OnnxReturn?.ToString("F1") ?? "-"}", s.Score.ToString("F3"),
            s.ExpertMsPerAction.ToString("F3"), s.PolicyUsPerAction.ToString("F1"), s.ParityMaxAbsDiff?.ToString("E1") ?? "-");
        console.Write(t9);
        if (s.Unavailable is not null) context.Output.WriteLine($"export skipped: {s.Unavailable}");
        return 0;
    }

    private static void WriteMuJoCo(IAnsiConsole console, DemoMuJoCo mj)
    {
        var t8 = new Table().AddColumns("env", "steps", "return", "ended by", "env steps/s");
        foreach (DemoEpisode e in mj.Episodes)
            t8.AddRow(e.Env, e.Steps.ToString(), e.Return.ToString("F1"), e.Terminated ? "termination" : e.Truncated ? "time limit" : "-", e.StepsPerSecond.ToString("N0"));
        console.Write(t8);
        var t8b = new Table().AddColumns("env", "horizon", "at the goal at the end", "return", "steps", "ms per replan", "iterations per replan");
        foreach (DemoSwingUp r in mj.IlqrMpc)
        {
            t8b.AddRow(r.Env, r.Horizon.ToString(), r.Success ? "yes" : "no", r.Return.ToString("F1"), r.Steps.ToString(),
                r.ReplanMsMean.ToString("F3"), r.IterationsPerReplan.ToString("F2"));
        }
        console.Write(t8b);
    }
}
