// Hyperparameter files: every preset of every algorithm for every env reads back as the same config (compared property by
// property, lists element by element, and through the checkpoints' JSON form), every property is written, and bad files
// and overrides are refused by the key with what it takes and what came.
using System.Collections;
using System.Reflection;
using System.Text.Json;
using Control.Experiments.Hyperparameters;
using Control.Policies.OffPolicy;
using Control.Policies.OnPolicy;
using Control.Robots;
using Control.Robots.MuJoCo;
using YamlDotNet.RepresentationModel;

namespace Control.Experiments.Tests.Hyperparameters;

public class HyperparameterFileTests
{
    public static TheoryData<string> AlgorithmNames() => [.. AlgorithmPresets.Names];

    private static IReadOnlyList<string> EnvNames()
    {
        MuJoCoEnvs.Register();
        return Envs.Names;
    }

    [Theory]
    [MemberData(nameof(AlgorithmNames))]
    public void EveryPresetReadsBackAsTheSameConfig(string algorithm)
    {
        Assert.NotEmpty(EnvNames());
        foreach (string env in EnvNames())
        {
            object preset = AlgorithmPresets.For(algorithm, env, 123_456);
            string text = HyperparameterFile.Write(algorithm, env, preset, "a comment\nover two lines");
            HyperparameterFile file = HyperparameterFile.Parse(text, "preset.yml");
            Assert.Equal(algorithm, file.Algorithm);
            Assert.Equal(env, file.Env);
            Assert.Equal(preset.GetType(), file.Config.GetType());
            AssertSame(preset, file.Config, $"{algorithm}/{env}");
            Assert.Equal(JsonSerializer.Serialize(preset, preset.GetType()), JsonSerializer.Serialize(file.Config, preset.GetType()));
        }
    }

    [Theory]
    [MemberData(nameof(AlgorithmNames))]
    public void EveryPropertyOfTheConfigIsWritten(string algorithm)
    {
        object preset = AlgorithmPresets.For(algorithm, "pendulum", 1000);
        var stream = new YamlStream();
        stream.Load(new StringReader(HyperparameterFile.Write(algorithm, "pendulum", preset)));
        var config = (YamlMappingNode)((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("config")];
        Assert.Equal(PropertyPaths(preset.GetType(), "").Order(), KeyPaths(config, "").Order());
    }

    [Fact]
    public void APresetFileShowsItsSettingsByName()
    {
        string text = HyperparameterFile.Write("ppo", "cartpole", AlgorithmPresets.For("ppo", "cartpole", 100_000));
        Assert.Contains("algo: ppo\nenv: cartpole\nconfig:\n  envs: 8\n", text);
        Assert.Contains("\n  learning_rate: 0.001\n", text);
        Assert.Contains("\n  anneal_steps: 100000\n", text);
        Assert.Contains("\n  objective: clip\n", text);
        Assert.Contains("\n  log_std: state_independent\n", text);
        Assert.Contains("\n  network:\n    hidden: [64, 64]\n    activation: tanh\n", text);
        Assert.Contains("\n  value_clip_range: null\n", text);
    }

    [Fact]
    public void KeysLeftOutTakeTheRecordsDefaultsAndWrittenOnesTheirValues()
    {
        HyperparameterFile file = HyperparameterFile.Parse("algo: sac\nenv: pendulum\nconfig:\n  learning_rate: 1.0e-3\n  buffer_size: 1e6\n  network:\n    hidden: [32, 16, 8]\n", "f.yml");
        var config = Assert.IsType<SacConfig>(file.Config);
        Assert.Equal(1e-3, config.LearningRate);
        Assert.Equal(1_000_000, config.BufferSize);
        Assert.Equal([32, 16, 8], config.Network.Hidden);
        var defaults = new SacConfig();
        Assert.Equal(defaults.BatchSize, config.BatchSize);
        Assert.Equal(defaults.Network.Activation, config.Network.Activation);
        Assert.Equal(JsonSerializer.Serialize(defaults), JsonSerializer.Serialize((SacConfig)HyperparameterFile.Parse("algo: sac\nenv: pendulum\n", "f.yml").Config));
    }

    [Theory]
    [InlineData("config:\n  learning_rat: 0.1\n", "f.yml:4", "config.learning_rat", "an unknown key")]
    [InlineData("config:\n  learning_rate: fast\n", "f.yml:4", "config.learning_rate", "'fast'")]
    [InlineData("config:\n  learning_rate: \"0.1\"\n", "f.yml:4", "config.learning_rate", "the string \"0.1\"")]
    [InlineData("config:\n  learning_rate: .nan\n", "f.yml:4", "config.learning_rate", "'.nan'")]
    [InlineData("config:\n  envs: 2.5\n", "f.yml:4", "config.envs", "'2.5'")]
    [InlineData("config:\n  envs: [1, 2]\n", "f.yml:4", "config.envs", "a list")]
    [InlineData("config:\n  normalize_observations: yes please\n", "f.yml:4", "config.normalize_observations", "'yes please'")]
    [InlineData("config:\n  objective: clipped\n", "f.yml:4", "config.objective", "'clipped'")]
    [InlineData("config:\n  network:\n    widths: [64]\n", "f.yml:5", "config.network.widths", "an unknown key")]
    [InlineData("config:\n  network:\n    hidden: [64, x]\n", "f.yml:5", "config.network.hidden[1]", "'x'")]
    [InlineData("config:\n  network: 64\n", "f.yml:4", "config.network", "'64'")]
    [InlineData("steps: 100\n", "f.yml:3", "steps", "an unknown key")]
    public void BadValuesAreRefusedByKey(string tail, string origin, string key, string value)
    {
        var e = Assert.Throws<HyperparameterException>(() => HyperparameterFile.Parse("algo: ppo\nenv: cartpole\n" + tail, "f.yml"));
        Assert.Equal(origin, e.Origin);
        Assert.Equal(key, e.Key);
        Assert.Equal(value, e.Value);
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith($"{origin}: {key}: expected ", e.Message);
    }

    [Fact]
    public void TheExpectedTypeIsNamed()
    {
        Assert.Equal("a number (double)", Refusal("config:\n  learning_rate: fast\n").Expected);
        Assert.Equal("an integer (int)", Refusal("config:\n  envs: 2.5\n").Expected);
        Assert.Equal("true or false", Refusal("config:\n  normalize_advantages: 1\n").Expected);
        Assert.Equal("one of clip, adaptive_kl", Refusal("config:\n  objective: clipped\n").Expected);
        Assert.Contains("learning_rate", Refusal("config:\n  learning_rat: 0.1\n").Expected);
    }

    private static HyperparameterException Refusal(string tail)
        => Assert.Throws<HyperparameterException>(() => HyperparameterFile.Parse("algo: ppo\nenv: cartpole\n" + tail, "f.yml"));

    [Theory]
    [InlineData("env: cartpole\n", "algo", "nothing (the key is missing)")]
    [InlineData("algo: ppx\nenv: cartpole\n", "algo", "'ppx'")]
    [InlineData("algo: ppo\nenv: [a]\n", "env", "a list or a mapping")]
    [InlineData("algo: ppo\nenv: cartpole\nconfig:\n  gamma: [0.9\n", "(file)", null)]
    [InlineData("- algo\n", "(file)", "something else")]
    public void BadFilesAreRefused(string text, string key, string? value)
    {
        var e = Assert.Throws<HyperparameterException>(() => HyperparameterFile.Parse(text, "f.yml"));
        Assert.Equal(key, e.Key);
        if (value is not null) Assert.Equal(value, e.Value);
    }

    [Fact]
    public void OverridesSetNestedKeysInOrder()
    {
        object preset = AlgorithmPresets.For("ppo", "cartpole", 1000);
        var config = (PpoConfig)ConfigYaml.Set(ConfigYaml.Set(ConfigYaml.Set(preset, "learning_rate=3e-4"), "network.hidden=[32,32,32]"), "learning_rate = 1e-4");
        Assert.Equal(1e-4, config.LearningRate);
        Assert.Equal([32, 32, 32], config.Network.Hidden);
        Assert.Equal(PpoObjective.Clip, ((PpoConfig)ConfigYaml.Set(preset, "objective=Clip")).Objective);
        Assert.Equal(PpoObjective.AdaptiveKl, ((PpoConfig)ConfigYaml.Set(preset, "objective=adaptive_kl")).Objective);
        Assert.Null(((PpoConfig)ConfigYaml.Set((PpoConfig)preset with { TargetKl = 0.02 }, "target_kl=null")).TargetKl);
        Assert.Equal([64, 64], ((PpoConfig)preset).Network.Hidden);
    }

    [Theory]
    [InlineData("learning_rate", "learning_rate", "'learning_rate'")]
    [InlineData("=3", "=3", "'=3'")]
    [InlineData("network..hidden=[1]", "network..hidden=[1]", "'network..hidden=[1]'")]
    [InlineData("learning_rate=abc", "learning_rate", "'abc'")]
    [InlineData("network.hidden=[64,", "network.hidden", null)]
    [InlineData("network.depth=3", "network.depth", "an unknown key")]
    [InlineData("learning_rate.x=3", "learning_rate", "a mapping")]
    public void BadOverridesAreRefusedByKey(string assignment, string key, string? value)
    {
        var e = Assert.Throws<HyperparameterException>(() => ConfigYaml.Set(new PpoConfig(), assignment));
        Assert.Equal("--set", e.Origin);
        Assert.Equal(key, e.Key);
        if (value is not null) Assert.Equal(value, e.Value);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void ResolveTakesTheFileThenTheOverridesAndRefusesADisagreement()
    {
        string path = Path.Combine(Path.GetTempPath(), $"ctl-hyper-{Guid.NewGuid():N}.yml");
        try
        {
            File.WriteAllText(path, HyperparameterFile.Write("dqn", "cartpole", AlgorithmPresets.For("dqn", "cartpole", 1000)));
            (string algorithm, string env, object? config) = AlgorithmPresets.Resolve(path, null, null, 1000, ["batch_size=32"]);
            Assert.Equal(("dqn", "cartpole"), (algorithm, env));
            Assert.Equal(JsonSerializer.Serialize(DqnConfig.CartPole with { BatchSize = 32 }), JsonSerializer.Serialize((DqnConfig)config!));
            Assert.Throws<ArgumentException>(() => AlgorithmPresets.Resolve(path, "ppo", null, 1000, []));
            Assert.Throws<ArgumentException>(() => AlgorithmPresets.Resolve(path, null, "acrobot", 1000, []));
            Assert.Null(AlgorithmPresets.Resolve(null, "ppo", "cartpole", 1000, []).Config);
            Assert.Throws<FileNotFoundException>(() => AlgorithmPresets.Resolve(path + ".missing", null, null, 1000, []));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void ATrainingRunTakesTheConfigItIsGiven()
    {
        object config = ConfigYaml.Set(AlgorithmPresets.For("a2c", "cartpole", 500), "learning_rate=0.0005");
        TrainReport report = TrainRun.Run(new TrainRequest("cartpole", "a2c", 500, 1) { Config = config });
        Assert.Equal(JsonSerializer.Serialize(config, config.GetType()), report.Run.Config);
    }

    // Property by property; lists element by element (records compare lists by reference).
    private static void AssertSame(object? expected, object? actual, string path)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, got {actual ?? "null"}");
            return;
        }
        Type type = expected.GetType();
        if (expected is IEnumerable list && expected is not string)
        {
            Assert.Equal(list.Cast<object>().ToArray(), ((IEnumerable)actual).Cast<object>().ToArray());
            return;
        }
        if (type.IsClass && type != typeof(string))
        {
            foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance)) AssertSame(p.GetValue(expected), p.GetValue(actual), $"{path}.{p.Name}");
            return;
        }
        Assert.True(Equals(expected, actual), $"{path}: expected {expected}, got {actual}");
    }

    private static IEnumerable<string> PropertyPaths(Type type, string prefix)
    {
        foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }))
        {
            string key = prefix + JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            bool nested = p.PropertyType.IsClass && p.PropertyType != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(p.PropertyType);
            if (nested)
            {
                foreach (string inner in PropertyPaths(p.PropertyType, key + ".")) yield return inner;
            }
            else
            {
                yield return key;
            }
        }
    }

    private static IEnumerable<string> KeyPaths(YamlMappingNode mapping, string prefix)
    {
        foreach ((YamlNode key, YamlNode value) in mapping.Children)
        {
            string path = prefix + ((YamlScalarNode)key).Value;
            if (value is YamlMappingNode nested)
            {
                foreach (string inner in KeyPaths(nested, path + ".")) yield return inner;
            }
            else
            {
                yield return path;
            }
        }
    }
}
