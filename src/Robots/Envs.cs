// The registry of named environments: Envs.Make("cartpole", seed) gives the env as Gymnasium's make does,
// inside its TimeLimit. Built-in robots are registered here; users add their own with Register.
using System.Collections.Concurrent;
using Control.Core.Envs;
using Control.Robots.Analytic;
using Control.Robots.Wrappers;

namespace Control.Robots;

/// <summary>Named environments.</summary>
public static class Envs
{
    private static readonly ConcurrentDictionary<string, EnvSpec> Registry = new(StringComparer.Ordinal);
    private static readonly List<string> Order = [];

    static Envs()
    {
        Register(new EnvSpec("pendulum", 200, "Pendulum-v1: swing up and balance a torque-limited pendulum", s => new PendulumEnv(s)));
        Register(new EnvSpec("cartpole", 500, "CartPole-v1: balance a pole by pushing the cart left or right", s => new CartPoleEnv(s)));
        Register(new EnvSpec("cartpole-swingup", 200, "swing the hanging pole up and balance it with a continuous force", s => new CartPoleSwingUpEnv(s)));
        Register(new EnvSpec("acrobot", 500, "Acrobot-v1: swing the tip above the bar with elbow torques {-1, 0, 1}", s => new AcrobotEnv(s)));
        Register(new EnvSpec("acrobot-swingup", 400, "swing the acrobot straight up with a continuous elbow torque", s => new AcrobotSwingUpEnv(s)));
        Register(new EnvSpec("mountaincar-continuous", 999, "MountainCarContinuous-v0: rock an underpowered car up the hill", s => new MountainCarContinuousEnv(s)));
        Register(new EnvSpec("double-integrator", 100, "bring a point mass to rest at the origin", s => new DoubleIntegratorEnv(s)));
        Register(new EnvSpec("quadrotor2d", 250, "fly a planar quadrotor to a target and hover", s => new Quadrotor2DEnv(s)));
        Register(new EnvSpec("reacher2d", 100, "move a two-link arm's fingertip to a random target", s => new Reacher2DEnv(s)));
        Register(new EnvSpec("gridworld", 100, "FrozenLake-like 4x4 slippery gridworld with its MDP tables", s => new GridWorldEnv(s)));
        Register(new EnvSpec("gridworld-8x8", 200, "FrozenLake-like 8x8 slippery gridworld with its MDP tables",
            s => new GridWorldEnv(s, GridWorldEnv.Map8x8, name: "gridworld-8x8")));
    }

    /// <summary>Registered names in registration order.</summary>
    public static IReadOnlyList<string> Names
    {
        get { lock (Order) return Order.ToArray(); }
    }

    /// <summary>Registered specs in registration order.</summary>
    public static IReadOnlyList<EnvSpec> Specs => Names.Select(n => Registry[n]).ToArray();

    /// <summary>Adds an env; a name may be registered once.</summary>
    public static void Register(EnvSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (string.IsNullOrWhiteSpace(spec.Name)) throw new ArgumentException("expected a non-empty env name", nameof(spec));
        if (spec.Horizon <= 0) throw new ArgumentException($"{spec.Name}: expected a positive horizon, got {spec.Horizon}", nameof(spec));
        lock (Order)
        {
            if (!Registry.TryAdd(spec.Name, spec))
                throw new ArgumentException($"{spec.Name}: already registered", nameof(spec));
            Order.Add(spec.Name);
        }
    }

    /// <summary>The spec registered under <paramref name="name"/>.</summary>
    public static EnvSpec Spec(string name)
    {
        if (name is not null && Registry.TryGetValue(name, out EnvSpec? spec)) return spec;
        throw new UnknownEnvException(name ?? "(null)", $"no such env; expected one of {string.Join(", ", Names)}");
    }

    /// <summary>Makes env <paramref name="name"/> seeded with <paramref name="seed"/>, inside its TimeLimit unless <paramref name="timeLimit"/> is false.</summary>
    public static IEnv Make(string name, long seed = 0, bool timeLimit = true)
    {
        EnvSpec spec = Spec(name);
        IEnv env = spec.Create(seed);
        return timeLimit ? new TimeLimit(env, spec.Horizon) : env;
    }

    /// <summary>N copies of env <paramref name="name"/> (each inside its TimeLimit) stepped as one batch; copy i is made with seed + i.</summary>
    public static VectorEnv MakeVector(string name, int count, long seed = 0, VectorEnvOptions? options = null)
    {
        Spec(name);
        return new VectorEnv(i => Make(name, seed + i), count, options);
    }
}
