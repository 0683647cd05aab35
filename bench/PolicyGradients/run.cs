using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Core.Numerics;
using Control.Core.Threading;
#:project ../../src/Policies/Control.Policies.csproj
#:project ../../src/Robots/Control.Robots.csproj
#:property PublishAot=false
// Figures of bench/RESULTS.md for REINFORCE and A2C on CartPole beyond the CLI presets: REINFORCE with each
// baseline. Usage: dotnet run bench/PolicyGradients/run.cs -- BASELINE NORMALIZE SEED STEPS [BATCH LR]
// Prints one JSON line: the final 20-episode deterministic evaluation (seeds as `control train`), throughput, and the
// env steps after which a batch's mean episode return first reached 475 (-1: never).
using System.Globalization;
using System.Text.Json;
using Control.Policies.Common;
using Control.Policies.OnPolicy;
using Control.Robots;

var baseline = Enum.Parse<ReinforceBaseline>(args[0]);
bool normalize = bool.Parse(args[1]);
long seed = long.Parse(args[2], CultureInfo.InvariantCulture);
long steps = long.Parse(args[3], CultureInfo.InvariantCulture);
int batch = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2000;
double lr = args.Length > 5 ? double.Parse(args[5], CultureInfo.InvariantCulture) : 5e-3;
var config = new ReinforceConfig { Baseline = baseline, NormalizeAdvantages = normalize, BatchSteps = batch, LearningRate = lr };
using var env = Envs.MakeVector("cartpole", config.Envs, seed);
var algorithm = new Reinforce(env, config, seed);
long firstSolved = -1;
TrainingResult training = Trainer.Train(algorithm, new TrainerOptions { TotalSteps = steps }, [p =>
{
    if (firstSolved < 0 && p.Metrics["rollout/episode_return"] >= 475) firstSolved = p.EnvSteps;
    return true;
}]);
long evalSeed = 1_000_000 + 1000 * seed;
EvaluationResult evaluation = Evaluation.Run(algorithm.Policy(deterministic: true, evalSeed), s => Envs.Make("cartpole", s), 20, evalSeed);
Console.WriteLine(JsonSerializer.Serialize(new
{
    baseline = baseline.ToString(), normalize, seed, batch, lr, eval_return = evaluation.Mean, eval_return_std = evaluation.Std,
    steps_per_second = training.StepsPerSecond, env_steps = training.EnvSteps,
    final_batch_return = training.LastMetrics["rollout/episode_return"], first_batch_475_at = firstSolved,
}));
