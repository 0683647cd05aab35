// A MuJoCo robot of your own: the two-link arm of examples/mujoco (arm.xml, and arm-reach.yaml, the task: move the
// fingertip to the goal), registered as an env, then iLQR-MPC on MuJoCo's own model of it (finite-difference
// Jacobians). Needs MuJoCo 2.2 (Debian: apt-get install libmujoco-dev). Run: dotnet run -c Release --project examples/MuJoCoRobot [-- --tiny]
using Control.Core.Envs;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Robots.MuJoCo;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";

IEnv env = MuJoCoEnvs.MakeUser(Path.Combine(AppContext.BaseDirectory, "arm-reach.yaml"), seed: 1);
IModelEnv model = env.Find<IModelEnv>()!;
Console.WriteLine($"user-arm-reach: observation {env.ObservationSpace.Describe()}, action {env.ActionSpace.Describe()}, state size {model.StateSize}");

var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, new IlqrConfig { Horizon = tiny ? 20 : 50, MaxIterations = tiny ? 10 : 50, WarmMaxIterations = 3 }));
var observation = new double[env.ObservationSpace.FlatSize];
var state = new double[model.StateSize];
var action = new double[model.Dynamics.ControlSize];
env.Reset(observation, 1);
double episodeReturn = 0, firstReward = double.NaN, lastReward = double.NaN;
int steps = tiny ? 30 : 150;
for (int t = 0; t < steps; t++)
{
    model.GetState(state);
    mpc.Act(state, action);
    StepResult result = env.Step(action, observation);
    episodeReturn += result.Reward;
    if (t == 0) firstReward = result.Reward;
    lastReward = result.Reward;
    if (result.Terminated || result.Truncated) break;
}
Console.WriteLine($"iLQR-MPC, {steps} steps: return {episodeReturn:F2}, reward (minus the stage cost) from {firstReward:F3} at the start to {lastReward:F3} at the end");
