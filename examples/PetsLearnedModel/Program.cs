// Learn a model of the pendulum from its own transitions and control it with PETS (Chua et al. 2018, "Deep
// Reinforcement Learning in a Handful of Trials using Probabilistic Dynamics Models"): a probabilistic ensemble, CEM
// over particles propagated through it, refit after every episode. The env's cost is known; only the dynamics are learned.
// Run: dotnet run -c Release --project examples/PetsLearnedModel [-- --tiny]
using Control.Core.Envs;
using Control.Dynamics.Learned;
using Control.ModelBased;
using Control.Robots;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";
const long Seed = 1;

IEnv env = Envs.Make("pendulum", Seed);
IModelEnv truth = env.Find<IModelEnv>()!;
int n = truth.StateSize, m = truth.Dynamics.ControlSize, horizon = Envs.Spec("pendulum").Horizon;

// Five MLPs that each predict a Gaussian over the next state; the angle (state 0) is wrapped and seen as sine and cosine.
var ensemble = new ProbabilisticEnsemble(n, m, truth.Dynamics.ControlBounds,
    new ProbabilisticEnsembleConfig { Members = 5, Elites = 5, Hidden = [64, 64], Epochs = tiny ? 10 : 200, Patience = 20, Seed = Seed, PeriodicStates = [0] },
    truth.Dynamics.TimeStep);
// CEM over 25-step action sequences, each scored by particles through the ensemble (tiny: a short, cheap search).
PetsCemConfig search = tiny ? new PetsCemConfig { Seed = Seed, Horizon = 10, Population = 20, Particles = 5, Iterations = 2 } : new PetsCemConfig { Seed = Seed };
var learner = new PetsLearner(ensemble, truth.Cost, search);

// One random episode, then per episode: fit the ensemble on every transition so far, run PETS on the real pendulum, append.
var loop = new ModelBasedLoop(env, learner, new ModelBasedConfig { TotalSteps = (tiny ? 2 : 10) * horizon, RandomSteps = horizon, StepsPerIteration = horizon, Seed = Seed });
foreach (ModelBasedIteration it in loop.Run())
    Console.WriteLine($"{it.EnvSteps,5} env steps: holdout loss {it.HoldoutLoss,8:F3}, 10-step error {it.MultiStepError,8:F4}, episode return {it.EpisodeReturn,8:F1}");

double learned = ModelBasedLoop.Evaluate(env, learner.Controller(loop.Data), tiny ? 1 : 5, 1_000_000);
double random = ModelBasedLoop.Evaluate(env, null, tiny ? 1 : 5, 1_000_000);
Console.WriteLine($"PETS on the learned model: return {learned:F1}; random actions: {random:F1}");
