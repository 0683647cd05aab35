// The DQN variants of bench/RESULTS.md: trains the CLI's preset for an env with each switch of DqnConfig
// (Double, Dueling, Prioritized, NSteps) on the given seeds and evaluates the deterministic policy exactly as
// `control train` does (20 episodes at seeds 1,000,000 + 1000 seed + k). One JSON line per run.
// Run: dotnet run -c Release --project bench/DqnVariants -- cartpole 50000 1 2 3 [variant ...]
using System.Globalization;
using System.Text.Json;
using Control.Policies;
using Control.Robots;

if (args.Length < 3)
{
    Console.Error.WriteLine("usage: DqnVariants ENV STEPS SEED... [--variants NAME...]; variants: dqn, double, dueling, prioritized, nstep3, all");
    return 2;
}
string env = args[0];
long steps = long.Parse(args[1], CultureInfo.InvariantCulture);
int split = Array.IndexOf(args, "--variants");
long[] seeds = args[2..(split < 0 ? args.Length : split)].Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
DqnConfig preset = env switch
{
    "cartpole" => DqnConfig.CartPole,
    "acrobot" => DqnConfig.Acrobot,
    _ => throw new ArgumentException($"expected cartpole or acrobot, got {env}"),
};
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
            variant = name, env, seed, eval_return = evaluation.Mean, eval_return_std = evaluation.Std,
            steps_per_second = training.StepsPerSecond, env_steps = training.EnvSteps,
        }));
    }
}
return 0;
