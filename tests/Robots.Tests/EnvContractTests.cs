// The IEnv contract for every registered env: spaces, seeding, episode ends, and typed errors on bad input.
using Control.Core;
using Control.Core.Envs;
using Control.Robots.Wrappers;

namespace Control.Robots.Tests;

public class EnvContractTests
{
    public static TheoryData<string> AllEnvs()
    {
        var data = new TheoryData<string>();
        foreach (string name in Envs.Names) data.Add(name);
        return data;
    }

    private static List<double[]> Episode(IEnv env, long seed, int steps)
    {
        var actionRng = new Rng(99);
        var action = new double[env.ActionSpace.FlatSize];
        var trace = new List<double[]> { env.Reset(seed) };
        for (int t = 0; t < steps; t++)
        {
            env.ActionSpace.Sample(actionRng, action);
            Transition tr = env.Step(action);
            trace.Add([.. tr.Observation, tr.Reward, tr.Terminated ? 1 : 0]);
            if (tr.Done) break;
        }
        return trace;
    }

    [Theory]
    [MemberData(nameof(AllEnvs))]
    public void SameSeedGivesSameEpisode(string name)
    {
        List<double[]> a = Episode(Envs.Make(name, seed: 1), 5, 60);
        List<double[]> b = Episode(Envs.Make(name, seed: 2), 5, 60);
        Assert.Equal(a.Count, b.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i], b[i]);
    }

    [Theory]
    [MemberData(nameof(AllEnvs))]
    public void ResetWithoutSeedContinuesTheStream(string name)
    {
        IEnv env = Envs.Make(name, seed: 4);
        double[] first = env.Reset();
        var later = Enumerable.Range(0, 5).Select(_ => env.Reset()).ToList();
        // Gridworld always starts in its single start cell; the others draw their initial state.
        if (name.StartsWith("gridworld")) Assert.All(later, o => Assert.Equal(first, o));
        else Assert.All(later, o => Assert.NotEqual(first, o));
        IEnv again = Envs.Make(name, seed: 4);
        Assert.Equal(first, again.Reset());
    }

    [Theory]
    [MemberData(nameof(AllEnvs))]
    public void ObservationsStayInTheirSpace(string name)
    {
        IEnv env = Envs.Make(name, seed: 3);
        var rng = new Rng(5);
        var action = new double[env.ActionSpace.FlatSize];
        var obs = new double[env.ObservationSpace.FlatSize];
        env.Reset(obs, 3);
        Assert.True(env.ObservationSpace.Contains(obs), $"{name}: reset observation [{string.Join(", ", obs)}] outside {env.ObservationSpace.Describe()}");
        for (int t = 0; t < 300; t++)
        {
            env.ActionSpace.Sample(rng, action);
            StepResult r = env.Step(action, obs);
            Assert.True(env.ObservationSpace.Contains(obs), $"{name}: observation [{string.Join(", ", obs)}] outside {env.ObservationSpace.Describe()}");
            Assert.True(double.IsFinite(r.Reward));
            if (r.Done) env.Reset(obs);
        }
    }

    [Theory]
    [MemberData(nameof(AllEnvs))]
    public void BadActionsRaiseTypedErrorsNamingTheEnv(string name)
    {
        IEnv env = Envs.Make(name, seed: 0);
        int size = env.ActionSpace.FlatSize;
        var before = Assert.Throws<EnvStateException>(() => env.Step(new double[size]));
        Assert.Contains(name, before.Message);
        Assert.Contains("before Reset", before.Message);
        env.Reset(seed: 0);

        var wrongLength = Assert.Throws<InvalidActionException>(() => env.Step(new double[size + 1]));
        Assert.Contains(name, wrongLength.Message);
        Assert.Contains($"length {size}", wrongLength.Message);
        Assert.Contains($"got length {size + 1}", wrongLength.Message);

        foreach (double bad in new[] { double.NaN, double.PositiveInfinity, double.NegativeInfinity })
        {
            var action = new double[size];
            action[0] = bad;
            var e = Assert.Throws<InvalidActionException>(() => env.Step(action));
            Assert.Contains(name, e.Message);
            Assert.Contains("finite", e.Message);
        }
        // The env is still usable after rejected actions.
        Assert.True(double.IsFinite(env.Step(new double[size]).Reward));
    }

    [Theory]
    [InlineData("cartpole", 2)]
    [InlineData("acrobot", 3)]
    [InlineData("gridworld", 4)]
    public void DiscreteActionsOutOfRangeAreRejected(string name, int n)
    {
        IEnv env = Envs.Make(name, seed: 0);
        env.Reset(seed: 0);
        foreach (double bad in new[] { -1.0, n, 0.5, n + 10.0 })
        {
            var e = Assert.Throws<InvalidActionException>(() => env.Step([bad]));
            Assert.Contains(name, e.Message);
            Assert.Contains($"[0, {n - 1}]", e.Message);
            Assert.Contains(bad.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
    }

    [Fact]
    public void StepAfterTerminationOrTruncationRequiresReset()
    {
        IEnv cartpole = Envs.Make("cartpole", seed: 0);
        cartpole.Reset(seed: 0);
        Transition t;
        do t = cartpole.Step(1); while (!t.Done);
        Assert.True(t.Terminated);
        var e = Assert.Throws<EnvStateException>(() => cartpole.Step(1));
        Assert.Contains("terminated", e.Message);

        IEnv pendulum = Envs.Make("pendulum", seed: 0);
        pendulum.Reset(seed: 0);
        for (int i = 0; i < 199; i++) Assert.False(pendulum.Step([0.0]).Done);
        Assert.True(pendulum.Step([0.0]).Truncated);
        var e2 = Assert.Throws<EnvStateException>(() => pendulum.Step([0.0]));
        Assert.Contains("truncated at 200 steps", e2.Message);
        pendulum.Reset();
        Assert.False(pendulum.Step([0.0]).Done);
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<UnknownEnvException>(() => Envs.Make("cartpol"));
        Assert.Equal("cartpol", e.EnvName);
        Assert.Contains("cartpole", e.Message);
        Assert.Contains("pendulum", e.Message);
    }

    [Fact]
    public void SetStateRejectsWrongLengthAndNonFinite()
    {
        var env = Envs.Make("acrobot").Find<RobotEnv>()!;
        env.Reset(seed: 0);
        var e = Assert.Throws<InvalidStateException>(() => env.SetState([0.0, 0.0]));
        Assert.Contains("acrobot", e.Message);
        Assert.Contains("length 4", e.Message);
        Assert.Throws<InvalidStateException>(() => env.SetState([0.0, double.NaN, 0, 0]));
    }

    [Fact]
    public void HugeAnglesAreWrappedWithoutLooping()
    {
        var env = Envs.Make("acrobot").Find<RobotEnv>()!;
        env.Reset(seed: 0);
        env.SetState([1e17, -3e12, 0, 0]);
        Transition t = env.Step([1.0]);
        Assert.InRange(env.State[0], -Math.PI, Math.PI);
        Assert.InRange(env.State[1], -Math.PI, Math.PI);
        Assert.All(t.Observation, v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void ObservationBufferOfWrongLengthIsRejected()
    {
        IEnv env = Envs.Make("pendulum");
        var e = Assert.Throws<ArgumentException>(() => env.Reset(new double[2]));
        Assert.Contains("length 3", e.Message);
    }

    [Fact]
    public void RegistryListsEveryRequiredEnv()
    {
        string[] required = ["pendulum", "cartpole", "cartpole-swingup", "acrobot", "acrobot-swingup", "mountaincar-continuous",
            "double-integrator", "quadrotor2d", "reacher2d", "gridworld"];
        Assert.Subset(Envs.Names.ToHashSet(), required.ToHashSet());
        Assert.Throws<ArgumentException>(() => Envs.Register(new EnvSpec("cartpole", 10, "dup", s => Envs.Make("cartpole", s))));
    }

    [Fact]
    public void UserEnvsCanBeRegistered()
    {
        Envs.Register(new EnvSpec("test-short-pendulum", 7, "pendulum with 7 steps", s => new Control.Robots.Analytic.PendulumEnv(s)));
        IEnv env = Envs.Make("test-short-pendulum", 1);
        env.Reset();
        for (int i = 0; i < 6; i++) Assert.False(env.Step([0.0]).Done);
        Assert.True(env.Step([0.0]).Truncated);
        Assert.IsType<TimeLimit>(env);
    }
}
