// Step-by-step agreement of the classic-control envs with Gymnasium's reference step functions.
//
// GymRef below is an independent, deliberately naive transcription of the Python step functions of
// Gymnasium's Pendulum-v1, CartPole-v1, Acrobot-v1 and MountainCarContinuous-v0 (plain doubles and Math.*,
// same constants, same order of operations, same clipping rules). It shares no code with src/. The tests
// drive the Control envs from given states with fixed or closed-loop action sequences and require every
// observation, reward and end flag to agree with it to 1e-9; a few literal numbers worked out by hand from
// the equations make sure the transcription itself is right.
using Control.Core.Envs;
using Control.Robots.Analytic;
using Control.Robots.Wrappers;

namespace Control.Robots.Tests.Analytic;

/// <summary>Gymnasium's classic-control step functions, transcribed line by line.</summary>
internal static class GymRef
{
    /// <summary>Python's float modulo (result has the sign of the divisor).</summary>
    public static double PyMod(double a, double b)
    {
        double mod = a % b; // C# % on doubles is C's fmod, as in CPython's float_rem
        if (mod != 0)
        {
            if ((b < 0) != (mod < 0)) mod += b;
        }
        else
        {
            mod = Math.CopySign(0.0, b);
        }
        return mod;
    }

    public static class Pendulum
    {
        public const double MaxSpeed = 8, MaxTorque = 2.0, Dt = 0.05, G = 10.0, M = 1.0, L = 1.0;

        public static double AngleNormalize(double x) => PyMod(x + Math.PI, 2 * Math.PI) - Math.PI;

        /// <summary>Pendulum-v1 step: returns the new state and the reward; never terminates.</summary>
        public static (double[] State, double Reward) Step(double[] state, double action)
        {
            double th = state[0], thdot = state[1];
            double g = G, m = M, l = L, dt = Dt;
            double u = Math.Min(Math.Max(action, -MaxTorque), MaxTorque); // np.clip(u, -max, max)[0]
            double costs = Math.Pow(AngleNormalize(th), 2) + 0.1 * Math.Pow(thdot, 2) + 0.001 * Math.Pow(u, 2);
            double newthdot = thdot + (3 * g / (2 * l) * Math.Sin(th) + 3.0 / (m * Math.Pow(l, 2)) * u) * dt;
            newthdot = Math.Min(Math.Max(newthdot, -MaxSpeed), MaxSpeed);
            double newth = th + newthdot * dt;
            return ([newth, newthdot], -costs);
        }

        public static double[] Obs(double[] s) => [Math.Cos(s[0]), Math.Sin(s[0]), s[1]];
    }

    public static class CartPole
    {
        public const double Gravity = 9.8, MassCart = 1.0, MassPole = 0.1, Length = 0.5, ForceMag = 10.0, Tau = 0.02;
        public const double TotalMass = MassPole + MassCart, PoleMassLength = MassPole * Length;
        public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360, XThreshold = 2.4;

        /// <summary>CartPole-v1 step (euler integrator): new state, reward, terminated.</summary>
        public static (double[] State, double Reward, bool Terminated) Step(double[] state, int action)
        {
            double x = state[0], xDot = state[1], theta = state[2], thetaDot = state[3];
            double force = action == 1 ? ForceMag : -ForceMag;
            double costheta = Math.Cos(theta), sintheta = Math.Sin(theta);
            double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sintheta) / TotalMass;
            double thetaacc = (Gravity * sintheta - costheta * temp)
                              / (Length * (4.0 / 3.0 - MassPole * (costheta * costheta) / TotalMass));
            double xacc = temp - PoleMassLength * thetaacc * costheta / TotalMass;
            x = x + Tau * xDot;
            xDot = xDot + Tau * xacc;
            theta = theta + Tau * thetaDot;
            thetaDot = thetaDot + Tau * thetaacc;
            bool terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThresholdRadians || theta > ThetaThresholdRadians;
            return ([x, xDot, theta, thetaDot], 1.0, terminated);
        }
    }

    public static class Acrobot
    {
        public const double Dt = 0.2;
        public const double LinkLength1 = 1.0, LinkMass1 = 1.0, LinkMass2 = 1.0, LinkComPos1 = 0.5, LinkComPos2 = 0.5, LinkMoi = 1.0;
        public const double MaxVel1 = 4 * Math.PI, MaxVel2 = 9 * Math.PI;
        public static readonly double[] AvailTorque = [-1.0, 0.0, +1];

        /// <summary>_dsdt of the "book" variant on the augmented state (theta1, theta2, dtheta1, dtheta2, torque).</summary>
        public static double[] Dsdt(double[] sAugmented)
        {
            double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2, i1 = LinkMoi, i2 = LinkMoi;
            double g = 9.8;
            double a = sAugmented[4];
            double theta1 = sAugmented[0], theta2 = sAugmented[1], dtheta1 = sAugmented[2], dtheta2 = sAugmented[3];
            double d1 = m1 * (lc1 * lc1) + m2 * ((l1 * l1) + (lc2 * lc2) + 2 * l1 * lc2 * Math.Cos(theta2)) + i1 + i2;
            double d2 = m2 * ((lc2 * lc2) + l1 * lc2 * Math.Cos(theta2)) + i2;
            double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - Math.PI / 2.0);
            double phi1 = -m2 * l1 * lc2 * (dtheta2 * dtheta2) * Math.Sin(theta2)
                          - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * Math.Sin(theta2)
                          + (m1 * lc1 + m2 * l1) * g * Math.Cos(theta1 - Math.PI / 2)
                          + phi2;
            double ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * (dtheta1 * dtheta1) * Math.Sin(theta2) - phi2)
                              / (m2 * (lc2 * lc2) + i2 - (d2 * d2) / d1);
            double ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
            return [dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0];
        }

        /// <summary>rk4(derivs, y0, [0, dt]) with the augmented state; returns the first four entries.</summary>
        public static double[] Rk4(double[] y0, double t0, double t1)
        {
            double dt = t1 - t0, dt2 = dt / 2.0;
            double[] k1 = Dsdt(y0);
            double[] k2 = Dsdt(Axpy(y0, dt2, k1));
            double[] k3 = Dsdt(Axpy(y0, dt2, k2));
            double[] k4 = Dsdt(Axpy(y0, dt, k3));
            var y = new double[4];
            for (int i = 0; i < 4; i++) y[i] = y0[i] + dt / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            return y;
        }

        private static double[] Axpy(double[] y, double h, double[] k)
        {
            var r = new double[y.Length];
            for (int i = 0; i < y.Length; i++) r[i] = y[i] + h * k[i];
            return r;
        }

        public static double Wrap(double x, double m, double big)
        {
            double diff = big - m;
            while (x > big) x = x - diff;
            while (x < m) x = x + diff;
            return x;
        }

        public static double Bound(double x, double m, double big) => Math.Min(Math.Max(x, m), big);

        /// <summary>Acrobot-v1 step: new state, reward, terminated.</summary>
        public static (double[] State, double Reward, bool Terminated) Step(double[] s, int a)
        {
            double torque = AvailTorque[a];
            double[] sAugmented = [s[0], s[1], s[2], s[3], torque];
            double[] ns = Rk4(sAugmented, 0, Dt);
            ns[0] = Wrap(ns[0], -Math.PI, Math.PI);
            ns[1] = Wrap(ns[1], -Math.PI, Math.PI);
            ns[2] = Bound(ns[2], -MaxVel1, MaxVel1);
            ns[3] = Bound(ns[3], -MaxVel2, MaxVel2);
            bool terminated = Terminal(ns);
            return (ns, terminated ? 0.0 : -1.0, terminated);
        }

        public static bool Terminal(double[] s) => -Math.Cos(s[0]) - Math.Cos(s[1] + s[0]) > 1.0;

        public static double[] Obs(double[] s) => [Math.Cos(s[0]), Math.Sin(s[0]), Math.Cos(s[1]), Math.Sin(s[1]), s[2], s[3]];
    }

    public static class MountainCar
    {
        public const double MinAction = -1.0, MaxAction = 1.0, MinPosition = -1.2, MaxPosition = 0.6, MaxSpeed = 0.07;
        public const double GoalPosition = 0.45, GoalVelocity = 0, Power = 0.0015;

        /// <summary>
        /// MountainCarContinuous-v0 step. With <paramref name="float32State"/> the state is stored as float32 at the
        /// end of the step (and 3 * position is a float32 product), as numpy does in the reference; otherwise all double.
        /// </summary>
        public static (double[] State, double Reward, bool Terminated) Step(double[] state, double action, bool float32State = false)
        {
            double position = state[0], velocity = state[1];
            double force = Math.Min(Math.Max(action, MinAction), MaxAction);
            double threeP = float32State ? (double)(3f * (float)position) : 3 * position;
            velocity += force * Power - 0.0025 * Math.Cos(threeP);
            if (velocity > MaxSpeed) velocity = MaxSpeed;
            if (velocity < -MaxSpeed) velocity = -MaxSpeed;
            position += velocity;
            if (position > MaxPosition) position = MaxPosition;
            if (position < MinPosition) position = MinPosition;
            if (position == MinPosition && velocity < 0) velocity = 0;
            bool terminated = position >= GoalPosition && velocity >= GoalVelocity;
            double reward = 0;
            if (terminated) reward = 100.0;
            reward -= Math.Pow(action, 2) * 0.1;
            double[] next = float32State ? [(float)position, (float)velocity] : [position, velocity];
            return (next, reward, terminated);
        }
    }
}

public sealed class GymReferenceTests
{
    private const double Tol = 1e-9;

    // ---------------------------------------------------------------- helpers

    private static void Close(double expected, double actual, string what, double tol = Tol)
    {
        double err = Math.Abs(expected - actual);
        if (!(err <= tol * Math.Max(1.0, Math.Abs(expected))))
            Assert.Fail($"{what}: expected {expected:R}, got {actual:R} (|diff| = {err:E3}, tol {tol:E1})");
    }

    private static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what, double tol = Tol)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected length {expected.Length}, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++) Close(expected[i], actual[i], $"{what}[{i}]", tol);
    }

    /// <summary>A bare env with a running episode at <paramref name="state"/>.</summary>
    private static T Start<T>(T env, params double[] state) where T : RobotEnv
    {
        env.Reset(seed: 0);
        env.SetState(state);
        return env;
    }

    /// <summary>The TimeLimit-wrapped registry env, reset, with its inner robot moved to <paramref name="state"/>.</summary>
    private static (IEnv Env, RobotEnv Robot) StartWrapped(string name, params double[] state)
    {
        IEnv env = Envs.Make(name, 0);
        env.Reset(seed: 0);
        RobotEnv robot = env.Find<RobotEnv>() ?? throw new InvalidOperationException("no RobotEnv inside " + name);
        robot.SetState(state);
        return (env, robot);
    }

    // ================================================================ Pendulum-v1

    [Fact]
    public void Pendulum_FirstStep_HandComputed()
    {
        // theta = 1, thdot = 0, u = 2: newthdot = (3 g / (2 l) sin 1 + 3 / (m l^2) * 2) dt = (15 sin 1 + 6) 0.05.
        var env = Start(new PendulumEnv(0), 1.0, 0.0);
        Transition t = env.Step(new[] { 2.0 });
        double newthdot = 0 + (3 * 10 / 2.0 * Math.Sin(1) + 3 * 2) * 0.05;
        Close(0.9311032386059225, newthdot, "hand formula", 1e-15);
        Close(0.9311032386059225, env.State[1], "thdot", 1e-12);
        Close(1.0465551619302962, env.State[0], "theta = 1 + newthdot * 0.05", 1e-12);
        Close(new[] { Math.Cos(1.0465551619302962), Math.Sin(1.0465551619302962), 0.9311032386059225 }, t.Observation, "obs", 1e-12);
        // Reward of the *old* state and clipped torque: -(1^2 + 0.1 * 0^2 + 0.001 * 2^2).
        Close(-1.004, t.Reward, "reward", 1e-12);
        Assert.False(t.Terminated);
        Assert.False(t.Truncated);

        // An out-of-range torque is clipped to 2 in the dynamics *and* in the reward.
        var env2 = Start(new PendulumEnv(0), 1.0, 0.0);
        Transition t2 = env2.Step(new[] { 7.5 });
        Close(t.Observation, t2.Observation, "obs with u = 7.5", 0);
        Close(-1.004, t2.Reward, "reward with u = 7.5", 1e-12);
    }

    [Fact]
    public void Pendulum_SpeedClipAndTorqueClip_HandComputed()
    {
        // theta = -1.5, thdot = -7.9, u = -5 -> -2: thdot = -7.9 + (15 sin(-1.5) - 6) 0.05 = -8.948... -> clipped to -8.
        var env = Start(new PendulumEnv(0), -1.5, -7.9);
        Transition t = env.Step(new[] { -5.0 });
        Assert.Equal(-8.0, env.State[1]);
        Close(-1.9, env.State[0], "theta = -1.5 - 8 * 0.05", 1e-15);
        // reward = -(1.5^2 + 0.1 * 7.9^2 + 0.001 * 2^2) = -(2.25 + 6.241 + 0.004).
        Close(-8.495, t.Reward, "reward", 1e-12);
    }

    [Fact]
    public void Pendulum_RewardNormalizesTheAngle_ButTheStateIsNotWrapped()
    {
        // angle_normalize(5) = ((5 + pi) mod 2 pi) - pi = 5 - 2 pi; reward = -(5 - 2 pi)^2 at thdot = 0, u = 0.
        var env = Start(new PendulumEnv(0), 5.0, 0.0);
        Transition t = env.Step(new[] { 0.0 });
        Close(-1.646564532561569, t.Reward, "reward", 1e-12);
        Close(-Math.Pow(5 - 2 * Math.PI, 2), t.Reward, "reward formula", 1e-12);
        Assert.True(env.State[0] > Math.PI, $"theta must stay unwrapped as in gym, got {env.State[0]}");
        Close(GymRef.Pendulum.Step([5.0, 0.0], 0.0).State, env.State, "state");

        // Several turns away: still the normalized angle in the reward.
        var env2 = Start(new PendulumEnv(0), 0.3 + 6 * Math.PI, 1.0);
        Transition t2 = env2.Step(new[] { 0.5 });
        (double[] s2, double r2) = GymRef.Pendulum.Step([0.3 + 6 * Math.PI, 1.0], 0.5);
        Close(r2, t2.Reward, "reward after 3 turns");
        Close(-(0.3 * 0.3 + 0.1 + 0.001 * 0.25), t2.Reward, "reward literal", 1e-12);
        Close(s2, env2.State, "state after 3 turns");
    }

    public static TheoryData<double, double, int> PendulumCases => new()
    {
        { 1.0, 0.0, 0 },           // random torques in [-4, 4] (half of them clipped)
        { Math.PI, 0.0, 1 },       // bang-bang pumping: speed clip at 8 and torque clip
        { -2.5, 0.9, 2 },          // blocks of constant torque, including +-2 exactly and +-3
        { 0.05, -1.0, 0 },
        { -Math.PI, 1.0, 1 },
    };

    [Theory]
    [MemberData(nameof(PendulumCases))]
    public void Pendulum_TrajectoryMatchesGymnasium(double theta0, double thdot0, int policy)
    {
        (IEnv env, RobotEnv robot) = StartWrapped("pendulum", theta0, thdot0);
        double[] s = [theta0, thdot0];
        var rng = new Random(17 + policy);
        int torqueClips = 0, speedClips = 0;
        for (int k = 0; k < 150; k++)
        {
            double a = policy switch
            {
                0 => -4 + 8 * rng.NextDouble(),
                1 => s[1] >= 0 ? 3.0 : -3.0,
                _ => ((k / 10) % 6) switch { 0 => 2.0, 1 => -3.0, 2 => 0.0, 3 => -2.0, 4 => 3.0, _ => 0.7 },
            };
            if (Math.Abs(a) > 2) torqueClips++;
            Transition t = env.Step(new[] { a });
            (double[] next, double reward) = GymRef.Pendulum.Step(s, a);
            if (Math.Abs(next[1]) == 8.0) speedClips++;
            Close(GymRef.Pendulum.Obs(next), t.Observation, $"obs at step {k + 1}");
            Close(next, robot.State, $"state at step {k + 1}");
            Close(reward, t.Reward, $"reward at step {k + 1}");
            Assert.False(t.Terminated, $"pendulum never terminates (step {k + 1})");
            Assert.False(t.Truncated, $"no truncation before 200 (step {k + 1})");
            s = next;
        }
        Assert.True(torqueClips > 0, "the sequence should include torques beyond +-2");
        if (policy == 1) Assert.True(speedClips > 10, $"pumping should hit the speed limit, hit {speedClips} times");
    }

    // ================================================================ CartPole-v1

    [Fact]
    public void CartPole_FirstStep_HandComputed()
    {
        // From rest upright, push right (+10 N): temp = 10 / 1.1, thetaacc = -temp / (0.5 (4/3 - 0.1 / 1.1)) = -600/41,
        // xacc = temp - 0.05 thetaacc / 1.1 = 400/41; Euler: x' = (0, 0.02 * 400/41, 0, 0.02 * -600/41).
        var env = Start(new CartPoleEnv(0), 0.0, 0.0, 0.0, 0.0);
        Transition t = env.Step(1);
        Close(new[] { 0.0, 8.0 / 41, 0.0, -12.0 / 41 }, t.Observation, "push right", 1e-12);
        Close(new[] { 0.0, 0.1951219512195122, 0.0, -0.2926829268292683 }, t.Observation, "push right literal", 1e-12);
        Assert.Equal(1.0, t.Reward);
        Assert.False(t.Terminated);

        // Second step, push right again: positions advance by tau times the previous speeds.
        Transition t2 = env.Step(1);
        Close(0.02 * 8.0 / 41, t2.Observation[0], "x after 2 steps", 1e-12);
        Close(-0.02 * 12.0 / 41, t2.Observation[2], "theta after 2 steps", 1e-12);

        var left = Start(new CartPoleEnv(0), 0.0, 0.0, 0.0, 0.0);
        Close(new[] { 0.0, -8.0 / 41, 0.0, 12.0 / 41 }, left.Step(0).Observation, "push left", 1e-12);
    }

    [Fact]
    public void CartPole_TerminationThresholds_HandComputed()
    {
        Close(0.20943951023931953, GymRef.CartPole.ThetaThresholdRadians, "12 degrees", 1e-15);

        // x = 2.39 + 0.02 * 1 = 2.41 > 2.4: terminated, reward still 1 (CartPole-v1 pays the terminal step).
        Transition tx = Start(new CartPoleEnv(0), 2.39, 1.0, 0.0, 0.0).Step(1);
        Close(2.41, tx.Observation[0], "x", 1e-12);
        Assert.True(tx.Terminated);
        Assert.Equal(1.0, tx.Reward);

        Transition txl = Start(new CartPoleEnv(0), -2.39, -1.0, 0.0, 0.0).Step(0);
        Assert.True(txl.Terminated);

        // theta = 0.2 + 0.02 * 0.5 = 0.21 > 0.2094: terminated; theta = 0.2 + 0 stays inside.
        Transition tth = Start(new CartPoleEnv(0), 0.0, 0.0, 0.2, 0.5).Step(1);
        Close(0.21, tth.Observation[2], "theta", 1e-12);
        Assert.True(tth.Terminated);
        Transition tin = Start(new CartPoleEnv(0), 0.0, 0.0, 0.2, 0.0).Step(1);
        Assert.Equal(0.2, tin.Observation[2]);
        Assert.False(tin.Terminated);
        Transition tneg = Start(new CartPoleEnv(0), 0.0, 0.0, -0.2, -0.5).Step(0);
        Assert.True(tneg.Terminated);
    }

    public static TheoryData<double[], int, int> CartPoleCases => new()
    {
        { new[] { 0.0, 0.0, 0.0, 0.0 }, 0, 0 },                 // always right: falls by angle
        { new[] { 0.03, -0.02, 0.04, 0.01 }, 1, 0 },            // always left
        { new[] { -0.04, 0.03, -0.01, -0.045 }, 2, 0 },         // random pushes
        { new[] { 0.01, 0.0, 0.02, -0.01 }, 3, 1 },             // balances while drifting left, ends by |x| > 2.4
        { new[] { -0.02, 0.01, -0.03, 0.02 }, 4, 1 },           // mirrored: drifts right
    };

    [Theory]
    [MemberData(nameof(CartPoleCases))]
    public void CartPole_RunsToTerminationLikeGymnasium(double[] start, int policy, int expectedCause)
    {
        (IEnv env, RobotEnv robot) = StartWrapped("cartpole", start);
        double[] s = (double[])start.Clone();
        var rng = new Random(5);
        int steps = 0;
        bool terminated = false;
        while (!terminated)
        {
            Assert.True(steps < 500, "episode should terminate before the time limit");
            int a = policy switch
            {
                0 => 1,
                1 => 0,
                2 => rng.Next(2),
                3 => s[2] + 0.5 * s[3] + 0.05 > 0 ? 1 : 0,
                _ => s[2] + 0.5 * s[3] - 0.05 > 0 ? 1 : 0,
            };
            Transition t = env.Step(a);
            (double[] next, double reward, bool term) = GymRef.CartPole.Step(s, a);
            steps++;
            Close(next, t.Observation, $"obs at step {steps}");
            Close(next, robot.State, $"state at step {steps}");
            Assert.Equal(reward, t.Reward);
            Assert.True(term == t.Terminated, $"terminated at step {steps}: gym {term}, env {t.Terminated}");
            Assert.False(t.Truncated);
            terminated = term;
            s = next;
        }
        bool byPosition = Math.Abs(s[0]) > 2.4;
        bool byAngle = Math.Abs(s[2]) > GymRef.CartPole.ThetaThresholdRadians;
        Assert.True(expectedCause == 0 ? byAngle && !byPosition : byPosition, $"cause of termination after {steps} steps: x {s[0]}, theta {s[2]}");
        if (expectedCause == 1) Assert.True(steps > 100, $"the balancing policy should survive > 100 steps, got {steps}");
        Assert.Throws<EnvStateException>(() => env.Step(1));
    }

    // ================================================================ Acrobot-v1

    [Fact]
    public void Acrobot_Transcription_HandComputedDerivativeAtRest()
    {
        // Hanging at rest, torque a: d1 = 0.25 + (1 + 0.25 + 1) + 2 = 4.5, d2 = (0.25 + 0.5) + 1 = 1.75, phi1 = phi2 = 0,
        // ddtheta2 = a / (0.25 + 1 - 1.75^2 / 4.5) = 72/41 a, ddtheta1 = -1.75 ddtheta2 / 4.5 = -28/41 a.
        double[] f = GymRef.Acrobot.Dsdt([0, 0, 0, 0, 1.0]);
        Close(new[] { 0.0, 0.0, -28.0 / 41, 72.0 / 41, 0.0 }, f, "dsdt at rest, a = 1", 1e-14);
        // Horizontal first link, second link folded straight: theta1 = pi/2, all else 0, a = 0:
        // phi2 = 0.5 * 9.8 * cos(0) = 4.9, phi1 = 1.5 * 9.8 + 4.9 = 19.6; ddtheta2 = (1.75/4.5 * 19.6 - 4.9) / (41/72).
        double[] h = GymRef.Acrobot.Dsdt([Math.PI / 2, 0, 0, 0, 0.0]);
        double dd2 = (1.75 / 4.5 * 19.6 - 4.9) / (41.0 / 72);
        Close(dd2, h[3], "ddtheta2 horizontal", 1e-12);
        Close(-(1.75 * dd2 + 19.6) / 4.5, h[2], "ddtheta1 horizontal", 1e-12);
    }

    [Fact]
    public void Acrobot_LiteralSteps()
    {
        // At rest hanging down with zero torque nothing moves (beyond cos(-pi/2) ~ 6e-17 rounding): reward -1.
        var rest = Start(new AcrobotEnv(0), 0.0, 0.0, 0.0, 0.0);
        Transition t0 = rest.Step(1);
        Close(new[] { 1.0, 0.0, 1.0, 0.0, 0.0, 0.0 }, t0.Observation, "rest", 1e-12);
        Assert.Equal(-1.0, t0.Reward);
        Assert.False(t0.Terminated);

        // Balanced straight up (tip height -cos(pi) - cos(pi) = 2 > 1): terminal, reward 0.
        var up = Start(new AcrobotEnv(0), Math.PI, 0.0, 0.0, 0.0);
        Transition tu = up.Step(1);
        Close(new[] { -1.0, 0.0, 1.0, 0.0, 0.0, 0.0 }, tu.Observation, "upright", 1e-12);
        Assert.Equal(0.0, tu.Reward);
        Assert.True(tu.Terminated);

        // Speeds are bounded exactly at 4 pi and 9 pi (bound = min(max(x, -M), M)).
        var fast = Start(new AcrobotEnv(0), 0.0, 0.0, 0.0, 40.0);
        Transition tf = fast.Step(1);
        Assert.Equal(-4 * Math.PI, tf.Observation[4]);
        Assert.Equal(9 * Math.PI, tf.Observation[5]);
        var fast1 = Start(new AcrobotEnv(0), 0.0, 0.0, 20.0, 0.0);
        Assert.Equal(4 * Math.PI, fast1.Step(0).Observation[4]);

        // Angles wrap into [-pi, pi]: theta1 = 3 + ~0.6 -> about -2.68.
        var wrap = Start(new AcrobotEnv(0), 3.0, 0.0, 3.0, 0.0);
        wrap.Step(1);
        Assert.InRange(wrap.State[0], -Math.PI, -2.5);
        Close(GymRef.Acrobot.Step([3.0, 0.0, 3.0, 0.0], 1).State, wrap.State, "wrapped state");
    }

    public static TheoryData<double[], int, int> AcrobotCases => new()
    {
        // policy 0: bang-bang energy pumping, torque = -sign(dtheta1): swings up to termination.
        { new[] { 0.0, 0.0, 0.0, 0.0 }, 0, 200 },
        { new[] { 0.05, -0.03, 0.02, 0.01 }, 0, 200 },
        { new[] { -0.1, 0.1, -0.1, 0.1 }, 0, 200 },
        // policy 1: fixed pseudo-random action sequence from a fast, wrapped, speed-clipping start.
        { new[] { 0.0, 0.0, 0.0, 40.0 }, 1, 60 },
        { new[] { 2.9, -3.0, 12.0, -27.0 }, 1, 60 },
        // policy 2: constant torques in blocks of 7 steps.
        { new[] { 0.08, 0.02, -0.05, 0.09 }, 2, 120 },
    };

    [Theory]
    [MemberData(nameof(AcrobotCases))]
    public void Acrobot_TrajectoryMatchesGymnasium(double[] start, int policy, int maxSteps)
    {
        (IEnv env, RobotEnv robot) = StartWrapped("acrobot", start);
        double[] s = (double[])start.Clone();
        var rng = new Random(11);
        int steps = 0, clips = 0, wraps = 0;
        bool terminated = false;
        while (!terminated && steps < maxSteps)
        {
            int a = policy switch
            {
                0 => s[2] > 0 ? 0 : 2,
                1 => rng.Next(3),
                _ => (steps / 7) % 3,
            };
            Transition t = env.Step(a);
            double[] raw = GymRef.Acrobot.Rk4([s[0], s[1], s[2], s[3], GymRef.Acrobot.AvailTorque[a]], 0, GymRef.Acrobot.Dt);
            (double[] next, double reward, bool term) = GymRef.Acrobot.Step(s, a);
            if (raw[0] != next[0] || raw[1] != next[1]) wraps++;
            if (raw[2] != next[2] || raw[3] != next[3]) clips++;
            steps++;
            Close(GymRef.Acrobot.Obs(next), t.Observation, $"obs at step {steps}");
            Close(next, robot.State, $"state at step {steps}");
            Assert.Equal(reward, t.Reward);
            Assert.True(term == t.Terminated, $"terminated at step {steps}: gym {term}, env {t.Terminated}");
            Assert.False(t.Truncated);
            terminated = term;
            s = next;
        }
        if (policy == 0)
        {
            Assert.True(terminated, $"energy pumping should swing up within {maxSteps} steps");
            Assert.True(-Math.Cos(s[0]) - Math.Cos(s[1] + s[0]) > 1.0);
            Assert.Throws<EnvStateException>(() => env.Step(1));
        }
        if (policy == 1) Assert.True(clips > 0 && wraps > 0, $"expected speed clipping and wrapping, got {clips} clips, {wraps} wraps");
    }

    // ================================================================ MountainCarContinuous-v0

    [Fact]
    public void MountainCar_FirstStep_HandComputed()
    {
        // p = -0.5, v = 0, a = 1: v' = 0.0015 - 0.0025 cos(-1.5), p' = -0.5 + v'; reward = -0.1 * 1^2.
        var env = Start(new MountainCarContinuousEnv(0), -0.5, 0.0);
        Transition t = env.Step(new[] { 1.0 });
        double v = 0.0015 - 0.0025 * 0.0707372016677029;
        Close(0.0013231569958307428, v, "hand formula", 1e-15);
        // The reference stores the state as float32.
        Close(new[] { (double)(float)-0.49867684300416926, (double)(float)0.0013231569958307428 }, t.Observation, "obs", 0);
        Close(-0.1, t.Reward, "reward", 1e-15);
        Assert.False(t.Terminated);

        // a = 2 is clipped to 1 in the dynamics, but the reward uses the unclipped action: -0.1 * 4.
        var env2 = Start(new MountainCarContinuousEnv(0), -0.5, 0.0);
        Transition t2 = env2.Step(new[] { 2.0 });
        Close(t.Observation, t2.Observation, "obs with a = 2", 0);
        Close(-0.4, t2.Reward, "reward with a = 2", 1e-15);
    }

    [Fact]
    public void MountainCar_WallSpeedLimitAndGoal_HandComputed()
    {
        // Left wall: p = -1.15, v = -0.06, a = -1: v' = -0.0615 - 0.0025 cos(-3.45) = -0.0591..., p' = -1.209 -> -1.2, v' -> 0.
        var wall = Start(new MountainCarContinuousEnv(0), -1.15, -0.06);
        Transition tw = wall.Step(new[] { -1.0 });
        Assert.Equal((double)(float)-1.2, tw.Observation[0]);
        Assert.Equal(0.0, tw.Observation[1]);
        Close(-0.1, tw.Reward, "reward at the wall", 1e-15);

        // Speed limit: p = -0.52, v = 0.069, a = 1: 0.069 + 0.0015 - 0.0025 cos(-1.56) = 0.07047 -> 0.07.
        var fast = Start(new MountainCarContinuousEnv(0), -0.52, 0.069);
        Transition tf = fast.Step(new[] { 1.0 });
        Assert.Equal((double)(float)0.07, tf.Observation[1]);
        Close((float)(-0.52 + 0.07), tf.Observation[0], "p", 0);

        // Goal: p = 0.44, v = 0.02, a = 0.5 -> p' >= 0.45 with v' >= 0: terminated, reward 100 - 0.1 * 0.25.
        var goal = Start(new MountainCarContinuousEnv(0), 0.44, 0.02);
        Transition tg = goal.Step(new[] { 0.5 });
        Assert.True(tg.Terminated);
        Close(99.975, tg.Reward, "goal reward", 1e-12);
        Assert.Throws<EnvStateException>(() => goal.Step(new[] { 0.0 }));

        // At the goal position but moving left: not terminated.
        var back = Start(new MountainCarContinuousEnv(0), 0.5, -0.02);
        Transition tb = back.Step(new[] { -1.0 });
        Assert.True(tb.Observation[0] >= 0.45 && tb.Observation[1] < 0);
        Assert.False(tb.Terminated);
    }

    public static TheoryData<double, int> MountainCarCases => new()
    {
        { -0.5, 0 },   // bang-bang +-1.5 (clipped) on the sign of v: hits the left wall, then the goal
        { -0.45, 0 },
        { -0.58, 0 },
        { -0.5, 1 },   // open loop: 10 x -1, 25 x +1, 40 x -2.5 (wall), then +1.2 to the goal
        { -0.42, 2 },  // random throttles in [-1.6, 1.6] for 300 steps (no goal)
    };

    [Theory]
    [MemberData(nameof(MountainCarCases))]
    public void MountainCar_TrajectoryMatchesGymnasium(double p0, int policy)
    {
        (IEnv env, RobotEnv robot) = StartWrapped("mountaincar-continuous", p0, 0.0);
        double[] s = [p0, 0.0];
        var rng = new Random(23);
        int steps = 0, wallHits = 0, speedClips = 0;
        bool terminated = false;
        int maxSteps = policy == 2 ? 300 : 400;
        while (!terminated && steps < maxSteps)
        {
            double a = policy switch
            {
                0 => s[1] >= 0 ? 1.5 : -1.5,
                1 => steps < 10 ? -1.0 : steps < 35 ? 1.0 : steps < 75 ? -2.5 : 1.2,
                _ => -1.6 + 3.2 * rng.NextDouble(),
            };
            Transition t = env.Step(new[] { a });
            (double[] next, double reward, bool term) = GymRef.MountainCar.Step(s, a, float32State: true);
            steps++;
            if (next[0] == (float)-1.2) wallHits++;
            if (Math.Abs(next[1]) == (float)0.07) speedClips++;
            // Float32 storage as in the reference; 3 * position is a float32 product there, a double one here,
            // which moves the stored state by at most a float32 rounding step now and then.
            Close(next, t.Observation, $"obs at step {steps}", 1e-6);
            Close(next, robot.State, $"state at step {steps}", 1e-6);
            Close(reward, t.Reward, $"reward at step {steps}");
            Assert.True(term == t.Terminated, $"terminated at step {steps}: gym {term}, env {t.Terminated}");
            Assert.False(t.Truncated);
            terminated = term;
            s = next;
        }
        if (policy != 2)
        {
            Assert.True(wallHits > 0, "the sequence should reach the left wall");
            Assert.True(terminated, $"the sequence should reach the goal within {maxSteps} steps");
            Assert.True(s[0] >= 0.45 && s[1] >= 0);
        }
    }

    // ================================================================ reset distributions

    [Fact]
    public void Pendulum_ResetDistribution()
    {
        IEnv env = Envs.Make("pendulum", 7);
        RobotEnv robot = env.Find<RobotEnv>()!;
        double minTh = double.MaxValue, maxTh = double.MinValue, minW = double.MaxValue, maxW = double.MinValue;
        for (int i = 0; i < 400; i++)
        {
            double[] obs = i % 2 == 0 ? env.Reset(seed: i) : env.Reset();
            double th = robot.State[0], w = robot.State[1];
            Assert.InRange(th, -Math.PI, Math.PI);
            Assert.InRange(w, -1.0, 1.0);
            Close(new[] { Math.Cos(th), Math.Sin(th), w }, obs, "reset obs", 0);
            minTh = Math.Min(minTh, th); maxTh = Math.Max(maxTh, th); minW = Math.Min(minW, w); maxW = Math.Max(maxW, w);
        }
        Assert.True(minTh < -0.9 * Math.PI && maxTh > 0.9 * Math.PI, $"theta spread [{minTh}, {maxTh}]");
        Assert.True(minW < -0.9 && maxW > 0.9, $"thdot spread [{minW}, {maxW}]");
    }

    [Theory]
    [InlineData("cartpole", 0.05)]
    [InlineData("acrobot", 0.1)]
    public void CartPoleAndAcrobot_ResetDistribution(string name, double half)
    {
        IEnv env = Envs.Make(name, 3);
        RobotEnv robot = env.Find<RobotEnv>()!;
        var min = new double[4];
        var max = new double[4];
        Array.Fill(min, double.MaxValue);
        Array.Fill(max, double.MinValue);
        for (int i = 0; i < 400; i++)
        {
            double[] obs = i % 2 == 0 ? env.Reset(seed: 1000 + i) : env.Reset();
            double[] x = robot.State.ToArray();
            for (int j = 0; j < 4; j++)
            {
                Assert.InRange(x[j], -half, half);
                min[j] = Math.Min(min[j], x[j]);
                max[j] = Math.Max(max[j], x[j]);
            }
            double[] expected = name == "cartpole" ? x : GymRef.Acrobot.Obs(x);
            Close(expected, obs, "reset obs", 0);
        }
        for (int j = 0; j < 4; j++)
            Assert.True(min[j] < -0.9 * half && max[j] > 0.9 * half, $"{name} state[{j}] spread [{min[j]}, {max[j]}]");
    }

    [Fact]
    public void MountainCar_ResetDistribution()
    {
        IEnv env = Envs.Make("mountaincar-continuous", 5);
        double min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < 400; i++)
        {
            double[] obs = i % 2 == 0 ? env.Reset(seed: i) : env.Reset();
            Assert.InRange(obs[0], -0.6, -0.4);
            Assert.Equal(0.0, obs[1]);
            Close(obs, env.Find<RobotEnv>()!.State, "obs = state", 0);
            min = Math.Min(min, obs[0]);
            max = Math.Max(max, obs[0]);
        }
        Assert.True(min < -0.58 && max > -0.42, $"position spread [{min}, {max}]");
    }

    [Theory]
    [InlineData("pendulum")]
    [InlineData("cartpole")]
    [InlineData("acrobot")]
    [InlineData("mountaincar-continuous")]
    public void Reset_SameSeedSameStart_NoSeedContinuesStream(string name)
    {
        IEnv env = Envs.Make(name, 0);
        double[] a = env.Reset(seed: 42);
        double[] b = env.Reset();
        double[] c = env.Reset(seed: 42);
        Assert.Equal(a, c);
        Assert.NotEqual(a, b);
        IEnv other = Envs.Make(name, 99);
        Assert.Equal(a, other.Reset(seed: 42));
    }

    // ================================================================ observation mapping

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(2.5, -7.0)]
    [InlineData(-9.3, 3.3)]   // unwrapped theta, as gym allows
    public void Pendulum_ObservationIsCosSinThdot(double th, double w)
    {
        var env = Start(new PendulumEnv(0), th, w);
        var obs = new double[3];
        env.Observe(new[] { th, w }, obs);
        Assert.Equal(new[] { Math.Cos(th), Math.Sin(th), w }, obs);
        Transition t = env.Step(new[] { 0.3 });
        double[] x = env.State.ToArray();
        Assert.Equal(new[] { Math.Cos(x[0]), Math.Sin(x[0]), x[1] }, t.Observation);
        Assert.Equal(3, env.ObservationSpace.FlatSize);
    }

    [Theory]
    [InlineData(0.0, 0.0, 0.0, 0.0)]
    [InlineData(1.2, -2.9, 5.0, -20.0)]
    [InlineData(-3.1, 0.4, -12.0, 27.0)]
    public void Acrobot_ObservationIsCosSinOfBothAnglesAndSpeeds(double t1, double t2, double w1, double w2)
    {
        var env = Start(new AcrobotEnv(0), t1, t2, w1, w2);
        var obs = new double[6];
        env.Observe(new[] { t1, t2, w1, w2 }, obs);
        Assert.Equal(new[] { Math.Cos(t1), Math.Sin(t1), Math.Cos(t2), Math.Sin(t2), w1, w2 }, obs);
        Transition t = env.Step(2);
        Assert.Equal(GymRef.Acrobot.Obs(env.State.ToArray()), t.Observation);
        Assert.Equal(6, env.ObservationSpace.FlatSize);
    }

    [Fact]
    public void CartPoleAndMountainCar_ObservationIsTheState()
    {
        var cp = Start(new CartPoleEnv(0), 0.3, -0.7, 0.05, 0.2);
        var obs = new double[4];
        cp.Observe(new[] { 0.3, -0.7, 0.05, 0.2 }, obs);
        Assert.Equal(new[] { 0.3, -0.7, 0.05, 0.2 }, obs);
        Transition tc = cp.Step(0);
        Assert.Equal(cp.State.ToArray(), tc.Observation);
        Assert.Equal(4, cp.ObservationSpace.FlatSize);

        var mc = Start(new MountainCarContinuousEnv(0), -0.3, 0.01);
        var mobs = new double[2];
        mc.Observe(new[] { -0.3, 0.01 }, mobs);
        Assert.Equal(new[] { -0.3, 0.01 }, mobs);
        Transition tm = mc.Step(new[] { -0.2 });
        Assert.Equal(mc.State.ToArray(), tm.Observation);
        Assert.Equal(2, mc.ObservationSpace.FlatSize);
    }

    // ================================================================ TimeLimit horizons

    [Theory]
    [InlineData("pendulum", 200)]
    [InlineData("cartpole", 500)]
    [InlineData("acrobot", 500)]
    [InlineData("mountaincar-continuous", 999)]
    public void TimeLimit_HorizonAndTruncatedExactlyOnTheLastStep(string name, int horizon)
    {
        Assert.Equal(horizon, Envs.Spec(name).Horizon);
        IEnv env = Envs.Make(name, 4);
        TimeLimit limit = Assert.IsType<TimeLimit>(env);
        Assert.Equal(horizon, limit.MaxSteps);

        for (int episode = 0; episode < 2; episode++)
        {
            env.Reset(seed: episode);
            RunWithoutTerminating(env, name, horizon, k => Assert.Equal(k == horizon, limit.ElapsedSteps == horizon));
            Assert.Throws<EnvStateException>(() => StepSafely(env, name, 0));
        }

        // The bare env has no limit: it runs past the horizon.
        IEnv bare = Envs.Make(name, 4, timeLimit: false);
        Assert.Null(bare.Find<TimeLimit>());
        bare.Reset(seed: 0);
        for (int k = 1; k <= horizon + 5; k++)
        {
            Transition t = StepSafely(bare, name, k);
            Assert.False(t.Truncated);
            Assert.False(t.Terminated);
        }
    }

    private static void RunWithoutTerminating(IEnv env, string name, int horizon, Action<int> check)
    {
        for (int k = 1; k <= horizon; k++)
        {
            Transition t = StepSafely(env, name, k);
            Assert.False(t.Terminated, $"{name}: no termination expected at step {k}");
            Assert.True(t.Truncated == (k == horizon), $"{name}: truncated {t.Truncated} at step {k} of {horizon}");
            check(k);
        }
    }

    /// <summary>One step chosen so that the episode cannot terminate (cartpole/acrobot are held near rest).</summary>
    private static Transition StepSafely(IEnv env, string name, int k)
    {
        switch (name)
        {
            case "cartpole":
                env.Find<RobotEnv>()!.SetState(new double[4]);
                return env.Step(k % 2);
            case "acrobot":
                env.Find<RobotEnv>()!.SetState(new double[4]);
                return env.Step(k % 3);
            case "pendulum":
                return env.Step(new[] { Math.Sin(0.1 * k) * 2.5 });
            default:
                return env.Step(new[] { 0.0 }); // the car just oscillates in the valley
        }
    }

    /// <summary>
    /// Gymnasium's TimeLimit sets truncated = True whenever elapsed >= max_episode_steps, also when the env
    /// terminated on that very step (both flags True).
    /// </summary>
    [Fact]
    public void TimeLimit_TerminationOnTheLastStep_IsAlsoTruncatedAsInGymnasium()
    {
        IEnv env = Envs.Make("mountaincar-continuous", 0);
        env.Reset(seed: 0);
        for (int k = 1; k < 999; k++) Assert.False(env.Step(new[] { 0.0 }).Done);
        env.Find<RobotEnv>()!.SetState(new[] { 0.44, 0.02 });
        Transition t = env.Step(new[] { 0.5 });
        Assert.True(t.Terminated);
        Assert.True(t.Truncated);
    }
}
