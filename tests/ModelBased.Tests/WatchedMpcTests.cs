// MPC on a learned model that is wrong outside its data, in miniature. The system: x' = x + u (|u| <= 1), y' = y;
// the cost y^2 + 0.01 x^2 + 0.01 u^2 from (0, 1): nothing can lower y, the best is to stay at x = 0. The "learned"
// model is nearly right inside its data (|x| <= 1) but believes y' = y - 0.02 ln(1 + e^(2 (x - 1))) / 2: pushing x far
// to the right would lower y. Plain MPC exploits the error and drives x to 8; the support penalty keeps the plans near
// the data (x <= 1.25); the watch alone, surprised when y does not fall, stops planning through the model (x <= 4). A model that turns wild after some
// step makes the watch fall back and the episode go on, counted; and the whole run is deterministic.
using Control.Core;
using Control.Core.Envs;
using Control.Core.Models;
using Control.Dynamics.Data;
using Control.Planning;
using Control.Planning.IterativeLqr;

namespace Control.ModelBased.Tests;

public class WatchedMpcTests
{
    private const int Steps = 60;

    // x' = x + u, y' = y - Exploit * 0.02 softplus(x), or wild values (1e6 and NaN) once Broken.
    private sealed class Model(double exploit) : IDynamics
    {
        private sealed class Workspace : DynamicsWorkspace;

        public bool Broken { get; set; }
        public int StateSize => 2;
        public int ControlSize => 1;
        public double TimeStep => 1;
        public Box ControlBounds { get; } = Box.Uniform(1, -1, 1);
        public DynamicsWorkspace CreateWorkspace() => new Workspace();

        public void Step(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next)
        {
            double force = Math.Clamp(u[0], -1, 1);
            next[0] = Broken ? 1e6 : x[0] + force;
            next[1] = Broken ? double.NaN : x[1] - exploit * 0.02 * Softplus(x[0]);
        }

        // ln(1 + e^(2 (x - 1))) / 2: about zero left of x = 1, slope one right of it.
        private static double Softplus(double x) => Math.Log(1 + Math.Exp(2 * (x - 1))) / 2;

        public void Linearize(DynamicsWorkspace workspace, ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> next, Span<double> fx, Span<double> fu)
        {
            Step(workspace, x, u, next);
            fx[0] = 1;
            fx[1] = 0;
            fx[2] = -exploit * 0.02 / (1 + Math.Exp(-2 * (x[0] - 1)));
            fx[3] = 1;
            fu[0] = Math.Abs(u[0]) < 1 ? 1 : 0;
            fu[1] = 0;
        }
    }

    private static readonly Control.Dynamics.QuadraticCost Task = new([0.02, 0, 0, 2], [0.02], [0.02, 0, 0, 2]);

    // The data the model was fitted on: |x| <= 1, y in [0.9, 1].
    private static TransitionDataset Data()
    {
        var data = new TransitionDataset(2, 1);
        for (int k = 0; k <= 20; k++)
        {
            double x = -1 + 0.1 * k;
            data.Add([x, 1], [0], [x, 0.9], 0, false);
        }
        return data;
    }

    private static Ilqr Planner(IDynamics model, ICost cost) => new(model, cost, new IlqrConfig { Horizon = 15, MaxIterations = 50, WarmMaxIterations = 3 });

    // Runs the policy on the true system (the model without the error) from (0, 1); the largest |x| reached and the states.
    private static (double MaxX, List<double[]> States) Run(IPolicy policy, Action<int>? beforeStep = null)
    {
        var truth = new Model(exploit: 0);
        DynamicsWorkspace workspace = truth.CreateWorkspace();
        double[] x = [0, 1], u = new double[1], next = new double[2];
        var states = new List<double[]>();
        policy.Reset();
        double maxX = 0;
        for (int t = 0; t < Steps; t++)
        {
            beforeStep?.Invoke(t);
            policy.Act(x, u);
            Assert.True(double.IsFinite(u[0]) && Math.Abs(u[0]) <= 1, $"step {t}: action {u[0]}");
            truth.Step(workspace, x, u, next);
            next.CopyTo(x, 0);
            states.Add((double[])x.Clone());
            maxX = Math.Max(maxX, Math.Abs(x[0]));
        }
        return (maxX, states);
    }

    private static readonly double[] Scale = [1, 1];
    private const double Holdout = 1e-5;

    [Fact]
    public void PlainMpcExploitsTheModelErrorAndTheSupportTermAndTheWatchStopIt()
    {
        var plain = Run(new MpcController(Planner(new Model(1), Task)));
        var supportOnly = Run(new MpcController(Planner(new Model(1), new SupportCost(Task, DataSupport.Of(Data(), margin: 0.1), weight: 10))));
        // The miniature's holdout error is a guess of ours (1e-5), so the watch is set ten times tighter than the loops' default.
        var watch = new WatchedMpc(Planner(new Model(1), Task), Scale, Holdout, new SafeMpcConfig { SupportWeight = 0, SurpriseFactor = 10 });
        var watched = Run(watch);
        string reached = $"|x| reached: plain {plain.MaxX}, support term {supportOnly.MaxX}, watch {watched.MaxX} ({watch.Surprises} surprises, {watch.Fallbacks} fallbacks)";
        Assert.True(plain.MaxX > 7, $"the miniature needs plain MPC to run away; {reached}");
        Assert.True(supportOnly.MaxX < 1.5, reached);
        // The watch needs the model to err visibly first (at x = 2 -> 3 here), then one cold plan, then it stops planning through it.
        Assert.True(watched.MaxX < 4.5, reached);
        Assert.True(watch.Surprises > 0 && watch.Fallbacks >= watch.Surprises, reached);
    }

    [Fact]
    public void AModelThatTurnsWildMakesTheWatchFallBackAndTheEpisodeGoesOn()
    {
        var model = new Model(0);
        var watch = new WatchedMpc(Planner(model, Task), Scale, Holdout);
        (double maxX, List<double[]> states) = Run(watch, t => model.Broken = t >= 20);
        Assert.Equal(Steps, states.Count);
        Assert.All(states, s => Assert.True(double.IsFinite(s[0]) && double.IsFinite(s[1])));
        Assert.True(maxX < 2, $"|x| reached {maxX}");
        Assert.True(watch.Fallbacks >= Steps - 20 - 1, $"fallbacks {watch.Fallbacks}");
        Assert.True(watch.Surprises + watch.NonFinitePlans > 0);

        var healthy = new WatchedMpc(Planner(new Model(0), Task), Scale, Holdout);
        Run(healthy);
        Assert.Equal(0, healthy.Fallbacks);
    }

    [Fact]
    public void TheWatchIsDeterministic()
    {
        (double, List<double[]>) Once() => Run(new WatchedMpc(Planner(new Model(1), Task), Scale, Holdout, new SafeMpcConfig { SupportWeight = 0 }));
        var a = Once();
        var b = Once();
        Assert.Equal(a.Item1, b.Item1);
        Assert.Equal(a.Item2.SelectMany(s => s), b.Item2.SelectMany(s => s));
    }

    [Theory]
    [InlineData(-1.0, 0.1, 100.0, 0.25)]
    [InlineData(double.NaN, 0.1, 100.0, 0.25)]
    [InlineData(1.0, -0.1, 100.0, 0.25)]
    [InlineData(1.0, 0.1, 0.5, 0.25)]
    [InlineData(1.0, 0.1, 100.0, 0.0)]
    public void BadSettingsAreRefused(double weight, double margin, double surprise, double rise)
    {
        var config = new SafeMpcConfig { SupportWeight = weight, SupportMargin = margin, SurpriseFactor = surprise, CostRiseTolerance = rise };
        Assert.Throws<ArgumentOutOfRangeException>(() => config.Check());
        Assert.Throws<ArgumentOutOfRangeException>(() => new WatchedMpc(Planner(new Model(0), Task), Scale, Holdout, config));
        Assert.Throws<ArgumentException>(() => new WatchedMpc(Planner(new Model(0), Task), [1, 0], Holdout));
    }
}
