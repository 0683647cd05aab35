// Valid files of every format Control reads, written once for the loader fuzz tests: a PPO checkpoint of `control
// train`, its ONNX export, a module state file, a transition dataset (binary and CSV), normalization statistics and
// the example MuJoCo task file and a hyperparameter file of `control presets`.
using Control.Core;
using Control.Dynamics.Data;
using Control.Experiments.Hyperparameters;
using Control.Tensors.NN;

namespace Control.Experiments.Tests;

/// <summary>The valid files, in a temporary directory removed at the end.</summary>
public sealed class FuzzFiles : IDisposable
{
    /// <summary>Writes the files.</summary>
    public FuzzFiles()
    {
        Directory.CreateDirectory(Root);
        TrainRun.Run(new TrainRequest("cartpole", "ppo", 256, 1) { OutputDirectory = Path.Combine(Root, "run") });
        Checkpoint = File.ReadAllBytes(Path.Combine(Root, "run", "checkpoint.ctl"));
        string onnx = Path.Combine(Root, "policy.onnx");
        ExportRun.Run(new ExportRequest(Path.Combine(Root, "run", "checkpoint.ctl"), onnx));
        Onnx = File.ReadAllBytes(onnx);

        string module = Path.Combine(Root, "module.ctm");
        ModuleTemplate().Save(module);
        ModuleState = File.ReadAllBytes(module);

        var data = new TransitionDataset(3, 2);
        var rng = new Rng(7);
        for (int i = 0; i < 6; i++)
        {
            double[] x = [rng.Normal(), rng.Normal(), rng.Normal()], u = [rng.Normal(), rng.Normal()], next = [rng.Normal(), rng.Normal(), rng.Normal()];
            data.Add(x, u, next, rng.Normal(), i == 5);
        }
        data.Save(Path.Combine(Root, "data.bin"));
        data.ExportCsv(Path.Combine(Root, "data.csv"));
        Dataset = File.ReadAllBytes(Path.Combine(Root, "data.bin"));
        DatasetCsv = File.ReadAllBytes(Path.Combine(Root, "data.csv"));

        var stats = new RunningMeanStd(3);
        for (int i = 0; i < 10; i++) stats.Update([rng.Normal(), rng.Normal(), rng.Normal()]);
        stats.Save(Path.Combine(Root, "stats.json"));
        Statistics = File.ReadAllBytes(Path.Combine(Root, "stats.json"));

        string repository = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(repository, "Control.sln"))) repository = Path.GetDirectoryName(repository)!;
        TaskModel = Path.Combine(repository, "examples", "mujoco", "arm.xml");
        Task = File.ReadAllBytes(Path.Combine(repository, "examples", "mujoco", "arm-reach.yaml"));
        Hyperparameters = System.Text.Encoding.UTF8.GetBytes(HyperparameterFile.Write("sac", "pendulum", AlgorithmPresets.For("sac", "pendulum", 20_000), "sac on pendulum"));
    }

    /// <summary>The temporary directory.</summary>
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"ctl-fuzz-{Guid.NewGuid():N}");

    /// <summary>checkpoint.ctl of PPO on cartpole, 256 steps.</summary>
    public byte[] Checkpoint { get; }

    /// <summary>Its ONNX export.</summary>
    public byte[] Onnx { get; }

    /// <summary>A module state file of <see cref="ModuleTemplate"/>.</summary>
    public byte[] ModuleState { get; }

    /// <summary>A TransitionDataset of 6 rows (3 states, 2 controls), binary.</summary>
    public byte[] Dataset { get; }

    /// <summary>The same as CSV.</summary>
    public byte[] DatasetCsv { get; }

    /// <summary>RunningMeanStd statistics of size 3 (JSON).</summary>
    public byte[] Statistics { get; }

    /// <summary>examples/mujoco/arm-reach.yaml.</summary>
    public byte[] Task { get; }

    /// <summary>The hyperparameter file `control presets --algo sac --env pendulum` prints.</summary>
    public byte[] Hyperparameters { get; }

    /// <summary>The MuJoCo model the task file names (copied beside each damaged task file).</summary>
    public string TaskModel { get; }

    /// <summary>The module whose state <see cref="ModuleState"/> holds (same seed, same weights).</summary>
    public static Module ModuleTemplate() => new Linear(3, 2, new Rng(3));

    /// <inheritdoc />
    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }
}
