// The model-based loop saved at every iteration boundary and restored into a new loop, through a checkpoint file,
// ends exactly as the loop that ran straight through: the same iteration records (the restored ones with their
// recorded wall-clock fields) and, byte for byte, the same transitions, model and policies after the last fit. For
// every learner: MPC with iLQR on an MLP, PETS (ensemble and trajectory-sampling CEM) and BPTT (with a candidate
// restart inside the run). And a checkpoint of another loop, a damaged one and one with a section cut are refused
// with a CheckpointException naming the file.
using Control.Core.Envs;
using Control.Dynamics.Learned;
using Control.Planning.IterativeLqr;
using Control.Policies.Common;
using Control.Robots;

namespace Control.ModelBased.Tests;

public class LoopResumeTests
{
    private static readonly ModelBasedConfig Config = new() { TotalSteps = 200, RandomSteps = 50, StepsPerIteration = 50, MultiStepHorizon = 5, Seed = 3 };

    // Small versions of `control mbrl`'s learners on the pendulum.
    private static IModelLearner Learner(string method, IModelEnv truth)
    {
        int n = truth.StateSize, m = truth.Dynamics.ControlSize;
        Box bounds = truth.Dynamics.ControlBounds;
        double dt = truth.Dynamics.TimeStep;
        var mlp = new MlpDynamicsConfig { Hidden = [16, 16], Epochs = 15, Patience = 5, Seed = 3, PeriodicStates = [0] };
        return method switch
        {
            "mpc-ilqr" => new MlpMpcLearner(new MlpDynamics(n, m, bounds, mlp, dt), truth.Cost,
                (model, cost) => new Ilqr(model, cost, new IlqrConfig { Horizon = 10, MaxIterations = 5, WarmMaxIterations = 2, ColdStarts = 1 })),
            "pets" => new PetsLearner(new ProbabilisticEnsemble(n, m, bounds, new ProbabilisticEnsembleConfig { Members = 3, Elites = 2, Hidden = [16, 16], Epochs = 10, Patience = 5, Seed = 3, PeriodicStates = [0] }, dt),
                truth.Cost, new PetsCemConfig { Horizon = 8, Population = 20, Elites = 4, Iterations = 2, Particles = 3, Seed = 3 }),
            _ => new BpttLearner(new MlpDynamics(n, m, bounds, mlp, dt), truth.Cost,
                new BpttConfig { Horizon = 8, GradientSteps = 6, BatchSize = 8, Hidden = [8], Seed = 3, PeriodicStates = [0], SelectionInterval = 3, SelectionHorizon = 10, SelectionStates = 4, Candidates = 2, RestartEvery = 2 }),
        };
    }

    private static ModelBasedLoop Loop(string method, ModelBasedConfig? config = null)
    {
        IEnv env = Envs.Make("pendulum", 3);
        return new ModelBasedLoop(env, Learner(method, env.Find<IModelEnv>()!), config ?? Config);
    }

    [Theory]
    [InlineData("mpc-ilqr")]
    [InlineData("pets")]
    [InlineData("bptt")]
    public void ALoopRestoredAtEveryIterationBoundaryEndsAsTheStraightRun(string method)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-loop-resume-{Guid.NewGuid():N}");
        try
        {
            var boundaries = new List<string>();
            ModelBasedLoop straight = Loop(method);
            IReadOnlyList<ModelBasedIteration> expected = straight.Run(boundary: loop =>
            {
                var checkpoint = new Checkpoint();
                loop.Save(checkpoint);
                string path = Path.Combine(directory, $"boundary{boundaries.Count}.ctl");
                checkpoint.Save(path);
                boundaries.Add(path);
            });
            Assert.Equal(4, boundaries.Count);
            Checkpoint end = Final(straight);

            for (int b = 0; b < boundaries.Count; b++)
            {
                ModelBasedLoop resumed = Loop(method);
                resumed.Restore(Checkpoint.Load(boundaries[b]));
                Assert.Equal(b, resumed.Iterations.Count);
                var seen = new List<ModelBasedIteration>();
                IReadOnlyList<ModelBasedIteration> actual = resumed.Run(seen.Add);
                Assert.Equal(expected.Count - b, seen.Count);
                Assert.Equal(expected.Take(b), actual.Take(b));
                Assert.Equal(expected.Select(WithoutTiming), actual.Select(WithoutTiming));
                Checkpoint after = Final(resumed);
                Assert.Equal(end.Sections, after.Sections);
                foreach (string section in end.Sections.Where(s => s != ModelBasedSections.Timing))
                    Assert.True(Bytes(end, section).SequenceEqual(Bytes(after, section)), $"{method}, resumed at boundary {b}: section '{section}' differs from the straight run's");
            }
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ACheckpointOfAnotherLoopADamagedOneAndACutOneAreRefusedNamingTheFile()
    {
        string directory = Path.Combine(Path.GetTempPath(), $"ctl-loop-refuse-{Guid.NewGuid():N}");
        try
        {
            string path = Path.Combine(directory, "loop.ctl");
            ModelBasedLoop loop = Loop("mpc-ilqr", Config with { TotalSteps = 50 });
            loop.Run(boundary: l =>
            {
                var checkpoint = new Checkpoint();
                l.Save(checkpoint);
                checkpoint.Save(path);
            });

            var other = Assert.Throws<CheckpointException>(() => Loop("mpc-ilqr", Config with { Seed = 4 }).Restore(Checkpoint.Load(path)));
            Assert.Contains(path, other.Message);
            Assert.Contains("Seed = 4", other.Message);

            var pets = Assert.Throws<CheckpointException>(() => Loop("pets", Config with { TotalSteps = 50 }).Restore(Checkpoint.Load(path)));
            Assert.Contains(path, pets.Message);
            Assert.Contains("'model'", pets.Message);

            byte[] bytes = File.ReadAllBytes(path);
            bytes[bytes.Length / 2] ^= 0x40;
            string damaged = Path.Combine(directory, "damaged.ctl");
            File.WriteAllBytes(damaged, bytes);
            var corrupt = Assert.Throws<CheckpointException>(() => Checkpoint.Load(damaged));
            Assert.Contains(damaged, corrupt.Message);

            Checkpoint whole = Checkpoint.Load(path);
            var cut = new Checkpoint();
            foreach (string section in whole.Sections.Where(s => s != ModelBasedSections.Data))
                cut.Put(section, w => w.Write(Bytes(whole, section)));
            string cutPath = Path.Combine(directory, "cut.ctl");
            cut.Save(cutPath);
            var missing = Assert.Throws<CheckpointException>(() => Loop("mpc-ilqr", Config with { TotalSteps = 50 }).Restore(Checkpoint.Load(cutPath)));
            Assert.Contains(cutPath, missing.Message);
            Assert.Contains(ModelBasedSections.Data, missing.Message);
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    private static ModelBasedIteration WithoutTiming(ModelBasedIteration it) => it with { FitSeconds = 0, FitTransitionsPerSecond = 0 };

    // The loop's checkpoint after its run (the learner after the last fit).
    private static Checkpoint Final(ModelBasedLoop loop)
    {
        var checkpoint = new Checkpoint();
        loop.Save(checkpoint);
        return checkpoint;
    }

    private static byte[] Bytes(Checkpoint checkpoint, string section) => checkpoint.Get(section, r => r.ReadBytes((int)r.BaseStream.Length));
}
