// Plan a cart-pole swing-up with iLQR on the env's exact model, read the plan's time-varying feedback gains K_t
// (u_t = u_bar_t + K_t (x - x_bar_t), the convention of Control.Planning.Trajectory), then close the loop with
// MPC on the simulated cart-pole. Run: dotnet run -c Release --project examples/IlqrSwingUp [-- --tiny]
using Control.Core.Envs;
using Control.Planning;
using Control.Planning.IterativeLqr;
using Control.Robots;

bool tiny = args.Contains("--tiny") || Environment.GetEnvironmentVariable("CONTROL_EXAMPLES_TINY") == "1";

IEnv env = Envs.Make("cartpole-swingup", seed: 1);
IModelEnv model = env.Find<IModelEnv>()!;
env.Reset(seed: 1);
var x0 = new double[model.StateSize];
model.GetState(x0);

// 1. One plan from the start state (x = [cart position, cart velocity, pole angle, pole angular velocity]), cold: the
//    cost is non-convex, so several starts and a horizon grown in stages.
var config = new IlqrConfig { Horizon = 100, MaxIterations = tiny ? 20 : 100, WarmMaxIterations = 3, ColdStarts = 3, ColdStages = 3 };
var planner = new Ilqr(model.Dynamics, model.Cost, config);
PlanResult plan = planner.Plan(x0);
Trajectory trajectory = plan.Trajectory;
Console.WriteLine($"plan: cost {plan.Cost:F2} after {plan.Iterations} iterations (converged: {plan.Converged}), horizon {trajectory.Horizon}");

// 2. The gains: K_t is m x n (here 1 x 4), how much the force changes per unit of deviation from the planned state;
//    zero where the planned force is at its limit (the box-constrained backward pass gives no feedback there).
for (int t = 0; t < trajectory.Horizon; t += trajectory.Horizon / 4)
{
    double[] gain = trajectory.Gain(t).ToArray();
    Console.WriteLine($"t = {t,3}: u_bar = {trajectory.Control(t)[0],7:F3}  K = [{string.Join(", ", gain.Select(k => $"{k,7:F2}"))}]");
}

// 3. MPC: replan every step from the measured state, warm-started, with the gains applied between replans.
var mpc = new MpcController(new Ilqr(model.Dynamics, model.Cost, config));
int steps = tiny ? 50 : Envs.Spec("cartpole-swingup").Horizon;
var state = new double[model.StateSize];
var action = new double[model.Dynamics.ControlSize];
var observation = new double[env.ObservationSpace.FlatSize];
double episodeReturn = 0;
env.Reset(observation, 1);
for (int t = 0; t < steps; t++)
{
    model.GetState(state);
    mpc.Act(state, action);
    StepResult result = env.Step(action, observation);
    episodeReturn += result.Reward;
    if (result.Terminated || result.Truncated) break;
}
model.GetState(state);
Console.WriteLine($"mpc: {steps} steps, return {episodeReturn:F1}, final cos(pole angle) {Math.Cos(state[2]):F3} (1 upright, -1 hanging), {mpc.ReplanSeconds.Count} replans");
