// Quickstart: make an env, run an episode with a hand-written controller, linearize the model at the
// upright equilibrium, and step a batch of envs. Run: dotnet run --project examples/Quickstart
using Control.Core.Envs;
using Control.Robots;

// 1. An env by name, as Gymnasium's make: seeded, inside its time limit.

IEnv env = Envs.Make("pendulum", seed: 0);
double[] obs = env.Reset(seed: 42);

// 2. An energy-pumping swing-up with a PD catch near the top: obs = (cos theta, sin theta, thetadot).
double episodeReturn = 0;
Transition step;
do
{
    double cos = obs[0], sin = obs[1], speed = obs[2];
    double theta = Math.Atan2(sin, cos);
    double energy = 0.5 * speed * speed / 3 + 10.0 / 2 * (cos - 1);   // zero at rest upright (g = 10, m = l = 1)
    double torque = cos > 0.9 ? -12 * theta - 2.5 * speed : -2.0 * Math.Sign(speed * energy + 1e-9);
    step = env.Step([Math.Clamp(torque, -2, 2)]);
    obs = step.Observation;
    episodeReturn += step.Reward;
} while (!step.Done);
Console.WriteLine($"pendulum: return {episodeReturn:F1} over one episode; final cos(theta) = {obs[0]:F3}");

// 3. The model behind the env, with exact Jacobians at the upright equilibrium.
IModelEnv model = env.Find<IModelEnv>()!;
var fx = new double[4];
var fu = new double[2];
model.Dynamics.Linearize(model.Dynamics.CreateWorkspace(), [0.0, 0.0], [0.0], new double[2], fx, fu);
Console.WriteLine($"A = [[{fx[0]:F4}, {fx[1]:F4}], [{fx[2]:F4}, {fx[3]:F4}]], B = [{fu[0]:F4}, {fu[1]:F4}]");

// 4. A batch of 8 cartpoles with automatic reset, the way on-policy learners collect experience.
var batch = Envs.MakeVector("cartpole", 8, seed: 1);
batch.Reset(seed: 1);
var actions = new double[8];
int finished = 0;
double returns = 0;
for (int t = 0; t < 1000; t++)
{
    for (int i = 0; i < 8; i++) actions[i] = batch.Observations[i * 4 + 2] + 0.5 * batch.Observations[i * 4 + 3] > 0 ? 1 : 0;
    batch.Step(actions);
    for (int i = 0; i < 8; i++)
    {
        if (!batch.Terminated[i] && !batch.Truncated[i]) continue;
        finished++;
        returns += batch.EpisodeReturns[i];
    }
}
Console.WriteLine($"cartpole x8, a lean-following push: {finished} episodes finished, mean return {(finished > 0 ? returns / finished : 0):F1}");
