// Every MuJoCo env through the registry: spaces, seeding, resets, time limits, typed errors, divergence; the
// MuJoCo cart-pole against its analytic twin; vectorized stepping on one and two workers; iLQR-MPC on MuJoCo.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Control.Core.Models;
using Control.Dynamics.Residuals;
using Control.Planning;
using Control.Planning.Registry;
using Control.Robots.MuJoCo.Tasks;
using Control.Robots.Wrappers;

namespace Control.Robots.MuJoCo.Tests;

public sealed class MuJoCoEnvTests
{
    static MuJoCoEnvTests() => MuJoCoEnvs.Register();

    // name, observation size, action size, state size, tangent size, horizon.
    public static TheoryData<string, int, int, int, int, int> Sizes() => new()
    {
        { "mj-cartpole-swingup", 5, 1, 4, 4, 200 },
        { "mj-acrobot-swingup", 6, 1, 4, 4, 400 },
        { "mj-reacher", 10, 2, 8, 8, 100 },
        { "mj-swimmer", 9, 2, 10, 10, 1000 },
        { "mj-hopper", 11, 3, 12, 12, 1000 },
        { "mj-cheetah", 17, 6, 18, 18, 1000 },
        { "mj-quadrotor", 18, 4, 13, 12, 250 },
    };

    public static TheoryData<string> Names()
    {
        var data = new TheoryData<string>();
        foreach (MuJoCoTaskSpec spec in MuJoCoEnvs.BuiltIn) data.Add(spec.Name);
        return data;
    }

    private static List<double[]> Episode(IEnv env, long seed, int steps, int actionSeed = 99)
    {
        var actions = new Rng(actionSeed);
        var action = new double[env.ActionSpace.FlatSize];
        var trace = new List<double[]> { env.Reset(seed) };
        for (int t = 0; t < steps; t++)
        {
            env.ActionSpace.Sample(actions, action);
            Transition step = env.Step(action);
            trace.Add([.. step.Observation, step.Reward, step.Terminated ? 1 : 0, step.Truncated ? 1 : 0]);
            if (step.Done) break;
        }
        return trace;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Every_env_has_the_spaces_and_sizes_of_its_spec(string name, int observation, int action, int state, int tangent, int horizon)
    {
        IEnv env = Envs.Make(name, seed: 1);
        Assert.Equal(horizon, Envs.Spec(name).Horizon);
        Assert.Equal(observation, env.ObservationSpace.FlatSize);
        Box actions = Assert.IsType<Box>(env.ActionSpace);
        Assert.Equal(action, actions.FlatSize);
        IModelEnv model = env.Find<IModelEnv>()!;
        Assert.Equal(state, model.StateSize);
        Assert.Equal(tangent, model.Dynamics.StateSpace.TangentSize);
        Assert.Equal(tangent, model.Cost.StateSpace.TangentSize);
        Assert.Equal(name == "mj-quadrotor", model.Dynamics.StateSpace is MuJoCoStateSpace);
        double[] first = env.Reset(seed: 1);
        Assert.Equal(observation, first.Length);
        Assert.All(first, v => Assert.True(double.IsFinite(v)));
        Assert.Equal(MuJoCoEnvs.Task(name).HasGoal, env.Find<IGoalEnv>() is not null);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_same_seed_and_actions_give_bitwise_equal_episodes(string name)
    {
        List<double[]> a = Episode(Envs.Make(name, seed: 1), 7, 120);
        List<double[]> b = Episode(Envs.Make(name, seed: 2), 7, 120);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
        List<double[]> other = Episode(Envs.Make(name, seed: 1), 8, 120);
        Assert.NotEqual(a[0], other[0]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Reset_draws_a_new_initial_state_and_a_seed_repeats_it(string name)
    {
        IEnv env = Envs.Make(name, seed: 4);
        double[] first = env.Reset();
        var later = Enumerable.Range(0, 4).Select(_ => env.Reset()).ToList();
        Assert.All(later, o => Assert.NotEqual(first, o));
        Assert.Equal(first, Envs.Make(name, seed: 4).Reset());
        Assert.Equal(first, env.Reset(seed: 4));
    }

    [Theory]
    [InlineData("mj-cartpole-swingup")]
    [InlineData("mj-acrobot-swingup")]
    [InlineData("mj-reacher")]
    [InlineData("mj-swimmer")]
    [InlineData("mj-cheetah")]
    public void An_episode_is_truncated_at_the_time_limit(string name)
    {
        IEnv env = Envs.Make(name, seed: 0);
        Assert.IsType<TimeLimit>(env);
        int horizon = Envs.Spec(name).Horizon;
        env.Reset(seed: 0);
        var zero = new double[env.ActionSpace.FlatSize];
        for (int t = 1; t < horizon; t++) Assert.False(env.Step(zero).Done, $"{name}: ended at step {t}");
        Transition last = env.Step(zero);
        Assert.True(last.Truncated);
        Assert.False(last.Terminated);
        Assert.Throws<EnvStateException>(() => env.Step(zero));
    }

    [Fact]
    public void The_hopper_terminates_when_it_falls_and_the_quadrotor_when_it_flies_away()
    {
        IEnv hopper = Envs.Make("mj-hopper", seed: 0);
        hopper.Reset(seed: 0);
        var model = hopper.Find<MuJoCoEnv>()!;
        int steps = 0;
        Transition t;
        do
        {
            t = hopper.Step(new double[3]);
            steps++;
        }
        while (!t.Done);
        Assert.True(t.Terminated);
        Assert.True(model.State[1] < HopperTask.MinHeight || Math.Abs(model.State[2]) > HopperTask.MaxPitch);
        Assert.InRange(steps, 10, 300);

        IEnv quadrotor = Envs.Make("mj-quadrotor", seed: 0);
        quadrotor.Reset(seed: 0);
        steps = 0;
        do
        {
            t = quadrotor.Step(new double[4]);
            steps++;
        }
        while (!t.Done);
        Assert.True(t.Terminated);
        // Free fall from at most 1.5 m above the goal: 5 m below it after sqrt(2 * 6.5 / 9.81) = 1.15 s = 58 steps at most.
        Assert.InRange(steps, 40, 58);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Bad_actions_are_typed_errors_naming_the_env(string name)
    {
        IEnv env = Envs.Make(name, seed: 0);
        int size = env.ActionSpace.FlatSize;
        env.Reset(seed: 0);
        var wrongLength = Assert.Throws<InvalidActionException>(() => env.Step(new double[size + 1]));
        Assert.Contains(name, wrongLength.Message);
        Assert.Contains($"length {size}", wrongLength.Message);
        foreach (double bad in new[] { double.NaN, double.PositiveInfinity })
        {
            var action = new double[size];
            action[size - 1] = bad;
            Assert.Contains("finite", Assert.Throws<InvalidActionException>(() => env.Step(action)).Message);
        }
        Assert.True(double.IsFinite(env.Step(new double[size]).Reward));
    }

    // A pendulum whose motor has a gear of 1e12: full torque gives accelerations beyond MuJoCo's 1e10 limit.
    private sealed class ViolentTask(MuJoCoModel model) : MuJoCoTask(model, actuators: 1)
    {
        public override ICost Cost { get; } = new ResidualCost(new ControlResidual(new EuclideanStateSpace(2), 1),
            [new ResidualTerm("control", 0, 1, ResidualNorm.Quadratic, 1, 0)]);

        public override int ObservationSize => 2;

        public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation) => x.CopyTo(observation);

        public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data) => 1;

        public override void SampleInitialState(Rng random, Span<double> x) => random.FillUniform(x, -0.1, 0.1);
    }

    [Fact]
    public void A_diverging_step_truncates_the_episode_is_kept_and_the_env_works_after_reset()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.Pendulum.Replace("gear=\"1\"", "gear=\"1e12\""), "violent.xml");
        var env = new MuJoCoEnv("violent-pendulum", new ViolentTask(model), seed: 3);
        env.Reset(seed: 3);
        Assert.False(env.Step([0.0]).Done);
        double[] before = env.State.ToArray();
        Transition diverged = env.Step([2.0]);
        Assert.True(diverged.Truncated);
        Assert.False(diverged.Terminated);
        Assert.Equal(0, diverged.Reward);
        Assert.Equal(1, env.DivergenceCount);
        SimulationDivergedException kept = Assert.IsType<SimulationDivergedException>(env.LastDivergence);
        Assert.True((kept.Warnings & MuJoCoWarnings.BadQacc) != 0);
        Assert.Equal(before, kept.State);
        Assert.Equal([2.0], kept.Control);
        Assert.Equal(before, env.State.ToArray());
        Assert.Throws<EnvStateException>(() => env.Step([0.0]));
        env.Reset();
        for (int t = 0; t < 10; t++) Assert.Equal(1, env.Step([0.0]).Reward);
    }

    [Fact]
    public void A_task_whose_actuator_count_does_not_match_the_model_is_a_clear_error()
    {
        using MuJoCoModel reacher = MuJoCoModel.FromXml(MuJoCoEnvs.EmbeddedModel("reacher.xml"), "reacher.xml");
        var error = Assert.Throws<MuJoCoModelException>(() => new CartPoleSwingUpTask(reacher));
        Assert.Contains("reacher.xml", error.Message);
        Assert.Contains("expects 1 actuator(s), the model has 2", error.Message);
        using MuJoCoModel swimmer = MuJoCoModel.FromXml(MuJoCoEnvs.EmbeddedModel("swimmer.xml"), "swimmer.xml");
        var joint = Assert.Throws<MuJoCoModelException>(() => new ReacherTask(swimmer));
        Assert.Contains("swimmer.xml", joint.Message);
        Assert.Contains("no joint named 'shoulder'", joint.Message);
    }

    [Fact]
    public void The_MuJoCo_cart_pole_follows_the_analytic_one_to_round_off()
    {
        // Same seed: the same initial state (drawn in the analytic order) and the same control sequence. State
        // orders differ: analytic (x, xdot, theta, thetadot), MuJoCo (x, theta, xdot, thetadot).
        IEnv analytic = Envs.Make("cartpole-swingup", seed: 11);
        IEnv mujoco = Envs.Make("mj-cartpole-swingup", seed: 11);
        double[] oa = analytic.Reset(seed: 11), om = mujoco.Reset(seed: 11);
        Assert.Equal(oa, om);
        RobotEnv a = analytic.Find<RobotEnv>()!, m = mujoco.Find<RobotEnv>()!;
        var controls = new Rng(12);
        double maxState = 0, maxReward = 0, maxObservation = 0;
        for (int t = 0; t < 150; t++)
        {
            double[] u = [controls.Uniform(-12, 12)];
            Transition ta = analytic.Step(u), tm = mujoco.Step(u);
            ReadOnlySpan<double> xa = a.State, xm = m.State;
            double[] mapped = [xm[0], xm[2], xm[1], xm[3]];
            for (int i = 0; i < 4; i++) maxState = Math.Max(maxState, Math.Abs(xa[i] - mapped[i]));
            for (int i = 0; i < 5; i++) maxObservation = Math.Max(maxObservation, Math.Abs(ta.Observation[i] - tm.Observation[i]));
            maxReward = Math.Max(maxReward, Math.Abs(ta.Reward - tm.Reward));
            Assert.Equal(ta.Done, tm.Done);
        }
        Assert.True(maxState < 1e-9, $"max state difference {maxState:G3}");
        Assert.True(maxObservation < 1e-9, $"max observation difference {maxObservation:G3}");
        Assert.True(maxReward < 1e-9, $"max reward difference {maxReward:G3}");
    }

    [Theory]
    [InlineData(false, 3.0)]
    [InlineData(true, -2.0)]
    [InlineData(false, 10.0)]
    [InlineData(true, -10.0)]
    public void The_MuJoCo_cart_poles_Jacobians_are_the_analytic_ones(bool centered, double force)
    {
        // The model integrates with RK4, whose Jacobians the shim takes by full-step differences (mjd_transitionFD
        // of MuJoCo 2.2.2 reuses stale position quantities for RK4). At the force limit the control is perturbed inwards.
        IDynamics analytic = Envs.Make("cartpole-swingup").Find<IModelEnv>()!.Dynamics;
        var mujoco = new MuJoCoDynamics(MuJoCoEnvs.Task("mj-cartpole-swingup").Model, new MuJoCoDynamicsConfig { Centered = centered });
        int[] order = [0, 2, 1, 3]; // analytic coordinate i is MuJoCo coordinate order[i]
        var random = new Rng(8);
        double[] na = new double[4], nm = new double[4], fa = new double[16], fm = new double[16], ba = new double[4], bm = new double[4];
        for (int trial = 0; trial < 5; trial++)
        {
            double[] xa = [random.Uniform(-1, 1), random.Uniform(-1, 1), random.Uniform(-4, 4), random.Uniform(-2, 2)];
            double[] xm = [xa[0], xa[2], xa[1], xa[3]];
            analytic.Linearize(analytic.CreateWorkspace(), xa, [force], na, fa, ba);
            mujoco.Linearize(mujoco.CreateWorkspace(), xm, [force], nm, fm, bm);
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(na[i], nm[order[i]], 12);
                Assert.Equal(ba[i], bm[order[i]], 6);
                for (int j = 0; j < 4; j++) Assert.Equal(fa[i * 4 + j], fm[order[i] * 4 + order[j]], 5);
            }
        }
    }

    [Fact]
    public void Vectorized_hoppers_step_alike_on_one_and_two_workers()
    {
        using VectorEnv one = Envs.MakeVector("mj-hopper", 4, seed: 5, new VectorEnvOptions { Workers = 1 });
        using VectorEnv two = Envs.MakeVector("mj-hopper", 4, seed: 5, new VectorEnvOptions { Workers = 2 });
        Assert.Equal(1, one.Workers);
        Assert.Equal(2, two.Workers);
        one.Reset(seed: 5);
        two.Reset(seed: 5);
        Assert.Equal(one.Observations, two.Observations);
        var random = new Rng(6);
        var actions = new double[4 * 3];
        int episodesEnded = 0;
        for (int t = 0; t < 200; t++)
        {
            random.FillUniform(actions, -1, 1);
            one.Step(actions);
            two.Step(actions);
            Assert.Equal(one.Observations, two.Observations);
            Assert.Equal(one.Rewards, two.Rewards);
            Assert.Equal(one.Terminated, two.Terminated);
            Assert.Equal(one.FinalObservations, two.FinalObservations);
            episodesEnded += one.Terminated.Count(d => d);
        }
        Assert.True(episodesEnded > 0, "random hoppers should fall within 200 steps, so autoreset is exercised");
    }

    [Fact]
    public void Ilqr_mpc_swings_the_MuJoCo_cart_pole_up()
    {
        IEnv env = Envs.Make("mj-cartpole-swingup", seed: 0);
        IModelEnv model = env.Find<IModelEnv>()!;
        IPlanner planner = Planners.Create("ilqr", "mj-cartpole-swingup", model, horizon: null, seed: 0);
        var mpc = new MpcController(planner);
        ClosedLoopResult result = ClosedLoop.Run(env, mpc, seed: 0, maxSteps: 120);
        var goal = env.Find<IGoalEnv>()!;
        Assert.True(goal.AtGoal(result.FinalState), $"not upright after 120 steps: [{string.Join(", ", result.FinalState.Select(v => v.ToString("F3")))}], return {result.Return:F2}");
    }
}
