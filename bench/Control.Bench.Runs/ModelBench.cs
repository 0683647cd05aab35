// Training throughput of the PETS probabilistic ensemble (5 members, MLPs 200x200x200,
// tanh, Gaussian NLL with soft-bounded log-variance, AdamW, batch 256, bootstrap) in Control and in PyTorch
// (bench/torch_ensemble.py under /usr/bin/python3), on the same synthetic pendulum transitions, for a fixed number
// of epochs, on one thread and then two. No holdout, so neither side early-stops or evaluates: both do the same
// epochs of the same minibatch steps. A transition counts once per epoch however many members trained on it
// (FitReport.TransitionsPerSecond), on both sides. Control's thread count is a TensorThreads scope, the only place
// its engine uses a second thread (matrix products of at least 2^22 multiply-adds); PyTorch's is
// torch.set_num_threads with OMP_NUM_THREADS and OPENBLAS_NUM_THREADS. What `control bench models` runs.
using System.Globalization;
using System.Text.Json;
using Control.Core.Envs;
using Control.Dynamics.Learned;
using Control.Experiments.Progress;
using Control.Tensors;

namespace Control.Bench.Runs;

/// <summary>Learned-model training benchmark.</summary>
public static class ModelBench
{
    private const int Transitions = 10_000;
    private const int StateSize = 2;
    private const int ControlSize = 1;

    /// <summary>
    /// Fits for <paramref name="epochs"/> epochs (after an untimed 1-epoch warm-up fit) on each side, one thread then two;
    /// <paramref name="rowDone"/> sees each thread count's row when it is measured; <paramref name="live"/> sees the three
    /// parts of each (Control's warm-up fit, its timed fit, PyTorch's) finish.
    /// </summary>
    public static ModelBenchReport Run(int epochs, Action<ModelBenchRow>? rowDone = null, IRunProgress? live = null)
    {
        if (epochs < 1) throw new ArgumentException($"expected --epochs >= 1, got {epochs}");
        (double[] states, double[] controls, double[] nextStates) = PendulumTransitions(Transitions);
        var rows = new List<ModelBenchRow>();
        string? torchVersion = null;
        string? torchError = null;
        int[] threadCounts = [1, 2];
        int partsDone = 0;
        void Part(double control, double? torch)
            => live?.Report("ensemble fits (parts)", ++partsDone, 3 * threadCounts.Length,
                [new("Control transitions/s", control, "F0"), new("PyTorch transitions/s", torch ?? double.NaN, "F0")]);
        foreach (int threads in threadCounts)
        {
            using TensorThreads.Scope threadScope = TensorThreads.Use(threads);
            Fit(states, controls, nextStates, 1);
            Part(double.NaN, null);
            FitReport control = Fit(states, controls, nextStates, epochs);
            Part(control.TransitionsPerSecond, null);
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
            Part(control.TransitionsPerSecond, torch?.Rate);
            rows.Add(new ModelBenchRow(threads, epochs, Transitions, control.TransitionsPerSecond, torch?.Rate,
                control.TransitionsPerSecond / torch?.Rate, control.TrainLoss[^1], torch?.Loss));
            rowDone?.Invoke(rows[^1]);
        }
        return new ModelBenchReport(rows, torchVersion, torchError);
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
