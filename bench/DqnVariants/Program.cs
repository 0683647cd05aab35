// The DQN variants of bench/RESULTS.md: trains the CLI's preset for an env with each switch of DqnConfig
// (Double, Dueling, Prioritized, NSteps) on the given seeds and evaluates the deterministic policy exactly as
// `control train` does (20 episodes at seeds 1,000,000 + 1000 seed + k). One JSON line per run.
// Run: dotnet run -c Release --project bench/DqnVariants -- cartpole 50000 1 2 3 [--set Option=value ...] [--variants NAME ...]
// (--set overrides an option of the preset, e.g. --set LearningRate=1e-3, before the variant's switches.)
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Control.Policies.Common;
using Control.Policies.OffPolicy;
using Control.Robots;
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: DqnVariants ENV STEPS SEED... [--variants NAME...]; variants: dqn, double, dueling, prioritized, nstep3, all");
    return 2;
}
string env = args[0];
long steps = long.Parse(args[1], CultureInfo.InvariantCulture);
int split = Array.IndexOf(args, "--variants");
string[] options = args[2..(split < 0 ? args.Length : split)];
long[] seeds = options.TakeWhile(a => a != "--set").Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
string[] overrides = options.SkipWhile(a => a != "--set").Where(a => a != "--set").ToArray();
DqnConfig preset = env switch
{
    "cartpole" => DqnConfig.CartPole,
    "acrobot" => DqnConfig.Acrobot,
    _ => throw new ArgumentException($"expected cartpole or acrobot, got {env}"),
};
if (overrides.Length > 0)
{
    JsonObject json = JsonNode.Parse(JsonSerializer.Serialize(preset))!.AsObject();
    foreach (string o in overrides)
    {
        string[] kv = o.Split('=', 2);
        if (kv.Length != 2 || !json.ContainsKey(kv[0])) throw new ArgumentException($"--set: expected Option=value with an option of DqnConfig, got {o}");
        json[kv[0]] = JsonNode.Parse(kv[1]);
    }
    preset = json.Deserialize<DqnConfig>()!;
}
var variants = new Dictionary<string, DqnConfig>
{
    ["dqn"] = preset,
    ["double"] = preset with { Double = true },
    ["dueling"] = preset with { Dueling = true },
    ["prioritized"] = preset with { Prioritized = true, PriorityBetaSteps = steps },
    ["nstep3"] = preset with { NSteps = 3 },
    ["all"] = preset with { Double = true, Dueling = true, Prioritized = true, PriorityBetaSteps = steps, NSteps = 3 },
};
string[] chosen = split < 0 ? variants.Keys.ToArray() : args[(split + 1)..];
foreach (string name in chosen)
{
    foreach (long seed in seeds)
    {
        using var vector = Envs.MakeVector(env, variants[name].Envs, seed);
        var dqn = new Dqn(vector, variants[name], seed);
        TrainingResult training = Trainer.Train(dqn, new TrainerOptions { TotalSteps = steps });
        long evalSeed = 1_000_000 + 1000 * seed;
        EvaluationResult evaluation = Evaluation.Run(dqn.Policy(deterministic: true, evalSeed), s => Envs.Make(env, s), 20, evalSeed);
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            variant = name, env, seed, overrides = string.Join(" ", overrides), eval_return = evaluation.Mean, eval_return_std = evaluation.Std,
            steps_per_second = training.StepsPerSecond, env_steps = training.EnvSteps,
        }));
    }
}
return 0;
