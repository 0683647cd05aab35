// Property-based damage to every file format Control reads: each damaged file either loads (a harmless change, e.g.
// a weight's bit under a re-sealed checksum) or fails with the format's own exception naming the file; never another
// exception type, never an allocation sized by a damaged declared length, and a module that fails to load keeps its
// weights. The case counts are fixed per format (bench/RESULTS.md (crash-consistent runs, fuzzed loaders, soak) records them).
// Outside CI, CsCheck draws new cases on every run (exploration) and a failure prints the seed that reproduces it
// (CsCheck_Seed). Under CI=true the cases are a fixed sequence per format, so that a CI run passes or fails the same
// way on every clone; a failure there names the case's seed, which CsCheck_Seed replays outside CI.
using System.Security.Cryptography;
using Control.Core;
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Dynamics.Data;
using Control.Dynamics.Learned;
using Control.Experiments.Hyperparameters;
using Control.ModelBased;
using Control.Policies.Common;
using Control.Robots;
using Control.Robots.MuJoCo;
using Control.Robots.MuJoCo.Tasks;
using CsCheck;

namespace Control.Experiments.Tests;

public class LoaderFuzzTests(FuzzFiles files) : IClassFixture<FuzzFiles>
{
    /// <summary>Cases per format.</summary>
    public const int Cases = 1000;

    /// <summary>Cases per format whose load is slow (a whole algorithm restored, an ONNX Runtime session).</summary>
    public const int SlowCases = 200;

    // The first seed of the fixed CI sequence (any value; fixed so that CI runs the same cases on every clone).
    private const ulong FixedSeed = 20261205;

    // A loader may allocate its file's size many times over (copies, parsed objects) and a fixed amount; not gigabytes.
    private static long AllocationLimit(int length) => 64L * 1024 * 1024 + 64L * length;

    [Fact]
    public void DamagedCheckpointsFailWithACheckpointException() => Fuzz("checkpoint.ctl", files.Checkpoint, FileMutations.Binary(files.Checkpoint.Length, 4, true),
        ResealCheckpoint, Cases, path => Checkpoint.Load(path), (CheckpointException e) => e.Message);

    [Fact]
    public void DamagedCheckpointsFailToRestoreWithACheckpointException() => Fuzz("restore.ctl", files.Checkpoint,
        FileMutations.Binary(files.Checkpoint.Length, 4, true).Where(m => m.Reseal), ResealCheckpoint, SlowCases,
        path => TrainRun.Restore(Checkpoint.Load(path)), (CheckpointException e) => e.Message);

    [Fact]
    public void DamagedModelBasedCheckpointsFailToRestoreWithACheckpointException()
    {
        string valid = Path.Combine(files.Root, "loop.ctl");
        TinyLoop().Run(boundary: loop =>
        {
            var checkpoint = new Checkpoint();
            loop.Save(checkpoint);
            checkpoint.Save(valid);
        });
        byte[] bytes = File.ReadAllBytes(valid);
        Fuzz("mbrl.ctl", bytes, FileMutations.Binary(bytes.Length, 4, true).Where(m => m.Reseal), ResealCheckpoint, Cases,
            path => TinyLoop().Restore(Checkpoint.Load(path)), (CheckpointException e) => e.Message);
    }

    // A model-based loop whose checkpoint has every kind of section the loop's learners write: BPTT candidates
    // trained through a probabilistic ensemble.
    private static ModelBasedLoop TinyLoop()
    {
        IEnv env = Envs.Make("pendulum", 2);
        IModelEnv truth = env.Find<IModelEnv>()!;
        var ensemble = new ProbabilisticEnsemble(2, 1, truth.Dynamics.ControlBounds, new ProbabilisticEnsembleConfig { Members = 2, Elites = 1, Hidden = [4], Epochs = 2, Seed = 2 });
        var learner = new BpttLearner(ensemble, truth.Cost, new BpttConfig { Horizon = 2, GradientSteps = 2, BatchSize = 2, Hidden = [4], Candidates = 2, SelectionStates = 2, SelectionHorizon = 2, Seed = 2 });
        return new ModelBasedLoop(env, learner, new ModelBasedConfig { TotalSteps = 30, RandomSteps = 20, StepsPerIteration = 10, MultiStepHorizon = 2, Seed = 2 });
    }

    [Fact]
    public void DamagedModuleFilesFailAndLeaveTheModuleAsItWas()
    {
        var module = FuzzFiles.ModuleTemplate();
        float[] before = module.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray();
        Fuzz("module.ctm", files.ModuleState, FileMutations.Binary(files.ModuleState.Length, 4, true), bytes => Reseal(bytes, 12, 8, wide: false), Cases,
            path =>
            {
                try
                {
                    module.Load(path);
                }
                catch (InvalidDataException)
                {
                    Assert.Equal(before, module.Parameters().SelectMany(p => p.Span<float>().ToArray()).ToArray());
                    throw;
                }
                // A load that succeeds under a re-sealed checksum may change weights; start the next case from the original.
                FuzzFiles.ModuleTemplate().Parameters().Zip(module.Parameters()).ToList().ForEach(pair => pair.Second.CopyFrom(pair.First));
            },
            (InvalidDataException e) => e.Message);
    }

    [Fact]
    public void DamagedBinaryDatasetsFailWithInvalidData() => Fuzz("data.bin", files.Dataset, FileMutations.Binary(files.Dataset.Length, 8, true),
        bytes =>
        {
            if (bytes.Length >= 32) SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32), bytes.AsSpan(bytes.Length - 32));
        },
        Cases, path => TransitionDataset.Load(path), (InvalidDataException e) => e.Message);

    [Fact]
    public void DamagedCsvDatasetsFailWithInvalidData() => Fuzz("data.csv", files.DatasetCsv, FileMutations.Text(files.DatasetCsv.Length, Lines(files.DatasetCsv)),
        null, Cases, path => TransitionDataset.ImportCsv(path, 3, 2), (InvalidDataException e) => e.Message);

    [Fact]
    public void DamagedNormalizationStatisticsFailWithInvalidData() => Fuzz("stats.json", files.Statistics, FileMutations.Text(files.Statistics.Length, 1),
        null, Cases, path => RunningMeanStd.Load(path), (InvalidDataException e) => e.Message);

    [Fact]
    public void DamagedOnnxFilesFailToImportWithAnOnnxFormatException() => Fuzz("policy.onnx", files.Onnx, FileMutations.Binary(files.Onnx.Length, -1, false),
        null, Cases, path => OnnxImporter.Import(path), (OnnxFormatException e) => e.Message);

    [Fact]
    public void DamagedOnnxFilesFailToLoadInOnnxRuntimeWithAnOnnxContractException() => Fuzz("runtime.onnx", files.Onnx,
        FileMutations.Binary(files.Onnx.Length, -1, false), null, SlowCases, path => OnnxPolicy.Load(path).Dispose(), (OnnxContractException e) => e.Message, checkAllocation: false);

    [Fact]
    public void DamagedMuJoCoTaskFilesFailWithATaskFileException()
    {
        File.Copy(files.TaskModel, Path.Combine(files.Root, Path.GetFileName(files.TaskModel)), overwrite: true);
        Fuzz("task.yaml", files.Task, FileMutations.Text(files.Task.Length, Lines(files.Task)), null, Cases, path => UserTaskFile.Load(path),
            (MuJoCoTaskFileException e) => e.Message);
    }

    [Fact]
    public void DamagedHyperparameterFilesFailWithAHyperparameterException() => Fuzz("config.yml", files.Hyperparameters,
        FileMutations.Text(files.Hyperparameters.Length, Lines(files.Hyperparameters)), null, Cases, path => HyperparameterFile.Load(path),
        (HyperparameterException e) => e.Message);

    // Runs `cases` damaged copies of `valid` through `load` at ROOT/name; the expected exception's message must name the file.
    private void Fuzz<TException>(string name, byte[] valid, Gen<FileMutation> damage, Action<byte[]>? reseal, int cases, Action<string> load,
        Func<TException, string> message, bool checkAllocation = true) where TException : Exception
    {
        string path = Path.Combine(files.Root, name);
        void Case(FileMutation m)
        {
            byte[] bytes = FileMutations.Apply(valid, m, reseal);
            File.WriteAllBytes(path, bytes);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                load(path);
            }
            catch (TException e)
            {
                Assert.Contains(path, message(e));
            }
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            if (checkAllocation)
                Assert.True(allocated < AllocationLimit(bytes.Length), $"{m}: allocated {allocated} bytes for a {bytes.Length}-byte file");
        }

        if (Environment.GetEnvironmentVariable("CI") != "true")
        {
            damage.Sample(Case, iter: cases, threads: 1);
            return;
        }
        uint stream = (uint)name.Aggregate(17, (hash, c) => hash * 31 + c);
        for (int i = 0; i < cases; i++)
        {
            var pcg = new PCG(stream, FixedSeed + (ulong)i);
            string seed = pcg.ToString();
            FileMutation m = damage.Generate(pcg, null!, out _);
            try
            {
                Case(m);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"{name}, fixed case {i} ({m}): {e.Message}; replay outside CI with CsCheck_Seed={seed}");
            }
        }
    }

    private static int Lines(byte[] text) => text.Count(b => b == (byte)'\n') + 1;

    // Checkpoint: magic, version, an 8-byte body length at 8, the body from 16, SHA-256 of the body at the end.
    private static void ResealCheckpoint(byte[] bytes) => Reseal(bytes, 16, 8, wide: true);

    private static void Reseal(byte[] bytes, int bodyStart, int lengthOffset, bool wide)
    {
        if (bytes.Length < bodyStart + 32) return;
        int body = bytes.Length - bodyStart - 32;
        if (wide) BitConverter.TryWriteBytes(bytes.AsSpan(lengthOffset, 8), (long)body);
        else BitConverter.TryWriteBytes(bytes.AsSpan(lengthOffset, 4), body);
        SHA256.HashData(bytes.AsSpan(bodyStart, body), bytes.AsSpan(bytes.Length - 32));
    }
}
