// Train PPO on CartPole with its tuned preset, keep the log and the checkpoint, then evaluate the checkpoint the way
// `control eval` does. Run: dotnet run -c Release --project examples/PpoTrainEvaluate [-- --tiny] [-- DIR]
using Control.Experiments;
using Control.Experiments.Hyperparameters;
using Control.Policies.OnPolicy;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";
string directory = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? Path.Combine(Path.GetTempPath(), "control-example-ppo");
long steps = tiny ? 2048 : 100_000;

// 1. The preset `control presets --algo ppo --env cartpole` prints, changed in code as a record (or by --set on the CLI).
var config = (PpoConfig)AlgorithmPresets.For("ppo", "cartpole", steps);
config = config with { EntropyCoefficient = 0.0 };
Console.WriteLine($"ppo on cartpole: {config.Envs} envs x {config.StepsPerEnv} steps per update, {config.Epochs} epochs, learning rate {config.LearningRate}");

// 2. Train: metrics.csv (a row per update) and checkpoint.ctl in the directory; a line per tenth of the budget.
long next = 0;
TrainReport report = TrainRun.Run(new TrainRequest("cartpole", "ppo", steps, Seed: 1) { OutputDirectory = directory, Config = config }, progress =>
{
    if (progress.EnvSteps < next) return true;
    next += steps / 10;
    double recent = progress.Metrics.TryGetValue("rollout/episode_return", out double r) ? r : double.NaN;
    Console.WriteLine($"{progress.EnvSteps,7} steps: recent episode return {recent:F1}");
    return true;
});
Console.WriteLine($"trained: {report.EnvSteps} env steps, evaluation {report.EvalReturn:F1} +- {report.EvalReturnStd:F1} over 20 episodes, checkpoint {report.Checkpoint}");

// 3. Evaluate the checkpoint: the policy rebuilt from the file alone, stochastic this time.
EvalReport evaluation = TrainRun.Evaluate(new EvalRequest(report.Checkpoint!) { Episodes = tiny ? 3 : 20, Stochastic = true });
Console.WriteLine($"checkpoint, stochastic actions: {evaluation.EvalReturn:F1} +- {evaluation.EvalReturnStd:F1} over {evaluation.Episodes} episodes");
