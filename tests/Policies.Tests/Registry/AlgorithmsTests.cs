// The algorithm registry: every name's presets build on the envs they are tuned for, and a run restored from an
// in-memory checkpoint is the run that was saved (same description, same actions).
using System.Text.Json;
using Control.Core;
using Control.Core.Envs;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Policies.Registry;
using Control.Robots;

namespace Control.Policies.Tests.Registry;

public class AlgorithmsTests
{
    private static VectorEnv MakeVector(string env, int copies, long seed) => Envs.MakeVector(env, copies, seed);

    public static TheoryData<string, string> EveryAlgorithmOnEveryPresetEnv()
    {
        var data = new TheoryData<string, string>();
        foreach (string algorithm in Algorithms.Names)
        {
            foreach (string env in new[] { "cartpole", "acrobot", "pendulum", "gridworld" })
            {
                // DQN acts on Discrete actions only, the pendulum's are continuous; the continuous actor-critics the reverse.
                if (algorithm is "dqn" or "svg0-gumbel" && env == "pendulum") continue;
                if (algorithm is "sac" or "td3" or "ddpg" or "svg0" or "qtopt" && env != "pendulum") continue;
                data.Add(algorithm, env);
            }
        }
        return data;
    }

    [Fact]
    public void TheNamesAreTheRegisteredAlgorithmsInOrder()
        => Assert.Equal(["reinforce", "a2c", "ppo", "ppo-kl", "trpo", "npg", "dqn", "sac", "td3", "ddpg", "svg0", "svg0-gumbel", "qtopt"], Algorithms.Names);

    [Theory]
    [MemberData(nameof(EveryAlgorithmOnEveryPresetEnv))]
    public void EveryPresetBuildsOnItsEnv(string name, string env)
    {
        (IAlgorithm algorithm, RunDescription run) = Algorithms.Start(name, env, 10_000, 3, MakeVector);
        Assert.Equal(name, algorithm.Name);
        Assert.Equal(0, algorithm.EnvSteps);
        Assert.Equal((name, env, 3L), (run.Algorithm, run.Env, run.Seed));
        AlgorithmEntry entry = Algorithms.Get(name);
        Assert.Equal(run.Config, JsonSerializer.Serialize(entry.Preset(env, 10_000), entry.ConfigType));
    }

    [Fact]
    public void TheKlVariantOfPpoDiffersOnlyInItsObjective()
    {
        var clip = (PpoConfig)Algorithms.Get("ppo").Preset("pendulum", 1000);
        var kl = (PpoConfig)Algorithms.Get("ppo-kl").Preset("pendulum", 1000);
        Assert.Equal(PpoObjective.AdaptiveKl, kl.Objective);
        // As JSON: the configs hold arrays (layer sizes), which record equality compares by reference.
        Assert.Equal(JsonSerializer.Serialize(clip with { Objective = PpoObjective.AdaptiveKl }), JsonSerializer.Serialize(kl));
    }

    [Theory]
    [InlineData("ppo", "cartpole")]
    [InlineData("a2c", "pendulum")]
    [InlineData("dqn", "cartpole")]
    [InlineData("sac", "pendulum")]
    [InlineData("td3", "pendulum")]
    [InlineData("qtopt", "pendulum")]
    public void RestoreRebuildsTheSavedRun(string name, string env)
    {
        (IAlgorithm algorithm, RunDescription run) = Algorithms.Start(name, env, 10_000, 7, MakeVector);
        algorithm.Iterate();
        var checkpoint = new Checkpoint();
        algorithm.Save(checkpoint);
        checkpoint.PutJson(RunDescription.Section, run);
        (IAlgorithm restored, RunDescription restoredRun) = Algorithms.Restore(checkpoint, MakeVector);
        Assert.Equal(run, restoredRun);
        Assert.Equal(algorithm.EnvSteps, restored.EnvSteps);
        IPolicy a = algorithm.Policy(deterministic: true), b = restored.Policy(deterministic: true);
        var rng = new Rng(1);
        var observation = new double[a.ObservationSize];
        double[] actionA = new double[a.ActionSize], actionB = new double[b.ActionSize];
        for (int k = 0; k < 20; k++)
        {
            for (int i = 0; i < observation.Length; i++) observation[i] = rng.Normal();
            a.Act(observation, actionA);
            b.Act(observation, actionB);
            Assert.Equal(actionA, actionB);
        }
    }

    [Fact]
    public void UnknownNamesSayWhatWasExpected()
        => Assert.Contains("unknown algorithm 'sacc'; expected one of reinforce, a2c", Assert.Throws<ArgumentException>(() => Algorithms.Get("sacc")).Message);
}
