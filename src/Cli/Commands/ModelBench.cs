// `control bench models`: training throughput of the PETS probabilistic ensemble (5 members, MLPs 200x200x200,
// tanh, Gaussian NLL with soft-bounded log-variance, AdamW, batch 256, bootstrap) in Control and in PyTorch
// (bench/torch_ensemble.py under /usr/bin/python3), on the same synthetic pendulum transitions, for a fixed number
// of epochs, on one thread and then two. No holdout, so neither side early-stops or evaluates: both do the same
// epochs of the same minibatch steps. A transition counts once per epoch however many members trained on it
// (FitReport.TransitionsPerSecond), on both sides. Control's thread count is a TensorThreads scope, the only place
// its engine uses a second thread (matrix products of at least 2^22 multiply-adds); PyTorch's is
// torch.set_num_threads with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS.
using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Control.Core.Envs;
using Control.Dynamics.Learned;
using Control.Tensors;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>Learned-model training benchmark.</summary>
public static class ModelBench
{
    private const int Transitions = 10_000;
    private const int StateSize = 2;
    private const int ControlSize = 1;

    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the timed fit on each side (after an untimed 1-epoch warm-up fit).", DefaultValueFactory = _ => 5 };
        var command = new Command("models", "Probabilistic ensemble training throughput, Control against PyTorch, one and two threads.") { json, epochs };
        command.SetAction(parse => context.Guard(() => Execute(context, parse.GetValue(json), parse.GetValue(epochs))));
        return command;
    }

    private sealed record Row(int threads, int epochs, int transitions, double control_transitions_per_second,
        double? torch_transitions_per_second, double? ratio, double control_final_loss, double? torch_final_loss);

    private static int Execute(CommandContext context, bool json, int epochs)
    {
        if (epochs < 1) throw new ArgumentException($"expected --epochs >= 1, got {epochs}");
        (double[] states, double[] controls, double[] nextStates) = PendulumTransitions(Transitions);
        var rows = new List<Row>();
        string? torchVersion = null;
        string? torchError = null;
        foreach (int threads in new[] { 1, 2 })
        {
            using TensorThreads.Scope threadScope = TensorThreads.Use(threads);
            Fit(states, controls, nextStates, 1);
            FitReport control = Fit(states, controls, nextStates, epochs);
            (double Rate, double Loss, string Version)? torch = null;
            try
            {
                torch = RunTorch(threads, epochs);
                torchVersion = torch.Value.Version;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException)
            {
                torchError = e.Message;
            }
            rows.Add(new Row(threads, epochs, Transitions, control.TransitionsPerSecond, torch?.Rate,
                control.TransitionsPerSecond / torch?.Rate, control.TrainLoss[^1], torch?.Loss));
            if (!json) context.Error.WriteLine($"{threads} thread(s): Control {control.TransitionsPerSecond:F0}/s, PyTorch {torch?.Rate.ToString("F0", CultureInfo.InvariantCulture) ?? "-"}/s");
        }

        if (json)
        {
            context.WriteJson(new { rows, torch = torchVersion, torch_error = torchError });
            return 0;
        }
        string F(double? v, string f) => v?.ToString(f, CultureInfo.InvariantCulture) ?? "-";
        var table = new Table().AddColumns("threads", "epochs", "Control (transitions/s)", "PyTorch (transitions/s)", "Control / PyTorch", "final loss (Control, PyTorch)");
        foreach (Row r in rows)
        {
            table.AddRow(r.threads.ToString(CultureInfo.InvariantCulture), r.epochs.ToString(CultureInfo.InvariantCulture),
                F(r.control_transitions_per_second, "F0"), F(r.torch_transitions_per_second, "F0"), F(r.ratio, "F2") + "x",
                $"{F(r.control_final_loss, "F3")}, {F(r.torch_final_loss, "F3")}");
        }
        context.Console.Write(table);
        context.Output.WriteLine(torchVersion is null ? $"PyTorch unavailable: {torchError}" : $"PyTorch {torchVersion} (/usr/bin/python3)");
        return 0;
    }

    // A fresh ensemble with the default (PETS) settings but no holdout: fixed epochs, no early stopping.
    private static FitReport Fit(double[] states, double[] controls, double[] nextStates, int epochs)
    {
        var config = new ProbabilisticEnsembleConfig { Epochs = epochs, HoldoutFraction = 0, Seed = 0 };
        var model = new ProbabilisticEnsemble(StateSize, ControlSize, new Box([-2.0], [2.0]), config);
        return model.Fit(states, controls, nextStates, Transitions);
    }

    /// <summary>
    /// Row i: theta = 3 sin(0.731 i + 0.3), omega = 6 sin(1.37 i + 1.1), u = 2 sin(2.17 i + 0.5), then one
    /// semi-implicit Euler step (dt 0.05) of the gym pendulum omega' = omega + dt (15 sin theta + 3 u); the same
    /// formula as bench/torch_ensemble.py.
    /// </summary>
    internal static (double[] States, double[] Controls, double[] NextStates) PendulumTransitions(int count)
    {
        var states = new double[count * StateSize];
        var controls = new double[count * ControlSize];
        var nextStates = new double[count * StateSize];
        for (int i = 0; i < count; i++)
        {
            double theta = 3.0 * Math.Sin(0.731 * i + 0.3);
            double omega = 6.0 * Math.Sin(1.37 * i + 1.1);
            double u = 2.0 * Math.Sin(2.17 * i + 0.5);
            double omegaNext = omega + 0.05 * (15.0 * Math.Sin(theta) + 3.0 * u);
            states[2 * i] = theta;
            states[2 * i + 1] = omega;
            controls[i] = u;
            nextStates[2 * i] = theta + 0.05 * omegaNext;
            nextStates[2 * i + 1] = omegaNext;
        }
        return (states, controls, nextStates);
    }

    private static (double Rate, double Loss, string Version) RunTorch(int threads, int epochs)
    {
        JsonElement root = TorchPeer.Run("torch_ensemble.py", threads, threads.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture),
            Transitions.ToString(CultureInfo.InvariantCulture));
        return (root.GetProperty("transitions_per_second").GetDouble(), root.GetProperty("final_loss").GetDouble(), root.GetProperty("torch").GetString() ?? "?");
    }
}
