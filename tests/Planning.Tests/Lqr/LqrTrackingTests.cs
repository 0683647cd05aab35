// Tracking LQR: on a linear model its gains are those of finite-horizon LQR on the closed-form (A, B); on the
// nonlinear pendulum its trajectory, followed by TrajectoryFeedbackPolicy, holds a perturbed start on a nominal
// trajectory that open-loop replay of the nominal controls leaves.
using Control.Core.Envs;
using Control.Core.Models;
using Control.Planning.Lqr;
using Control.Robots;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Planning.Tests.Lqr;

public class LqrTrackingTests
{
    private static IDynamics ModelOf(string env) => Envs.Make(env).Find<IModelEnv>()!.Dynamics;

    [Fact]
    public void OnALinearModelTheGainsAreFiniteHorizonLqrOnTheClosedFormMatrices()
    {
        IDynamics dynamics = ModelOf("double-integrator");
        const int horizon = 25;
        const double dt = 0.1;
        Trajectory nominal = OpenLoop(dynamics, [0.4, -0.2], horizon, t => 0.3 * Math.Sin(0.4 * t));
        double[,] q = Diagonal(3, 0.5), r = Diagonal(0.2), qf = Diagonal(10, 1);

        var tracker = new TrackingLqr(dynamics, horizon, q, r, qf);
        Trajectory tracked = tracker.Track(nominal);

        LqrSolution expected = FiniteHorizonLqr.Solve(new double[,] { { 1, dt }, { 0, 1 } }, new double[,] { { dt * dt / 2 }, { dt } }, q, r, qf, horizon);
        for (int t = 0; t < horizon; t++)
        {
            for (int i = 0; i < 2; i++) Assert.Equal(expected.K(t)[i], tracked.Gain(t)[i], 1e-12);
            Assert.Equal(0, tracker.Solution.Feedforward(t)[0], 1e-12);
        }
        // A feasible nominal from its own start is reproduced, at zero tracking cost.
        for (int i = 0; i < nominal.States.Length; i++) Assert.Equal(nominal.States[i], tracked.States[i], 1e-12);
        Assert.Equal(0, tracked.Cost, 1e-20);
    }

    [Fact]
    public void FeedbackHoldsThePendulumOnAnUnstableNominal()
    {
        IDynamics dynamics = ModelOf("pendulum");
        const int horizon = 60;
        // Nominal: a crude PD controller brings the pendulum from 0.3 rad to upright; its controls are then fixed.
        Trajectory nominal = new(horizon, 2, 1);
        DynamicsWorkspace workspace = dynamics.CreateWorkspace();
        nominal.State(0)[0] = 0.3;
        for (int t = 0; t < horizon; t++)
        {
            nominal.Control(t)[0] = Math.Clamp(-(8 * nominal.State(t)[0] + 2 * nominal.State(t)[1]), -2, 2);
            dynamics.Step(workspace, nominal.State(t), nominal.Control(t), nominal.State(t + 1));
        }

        var tracker = new TrackingLqr(dynamics, horizon, Diagonal(10, 1), Diagonal(0.1), Diagonal(10, 1));
        Trajectory tracked = tracker.Track(nominal);
        var policy = new TrajectoryFeedbackPolicy(tracked, dynamics.ControlBounds);

        double[] start = [0.38, -0.1];
        double feedbackError = FinalError(dynamics, nominal, start, (x, u, t) => policy.Act(x, u));
        double openLoopError = FinalError(dynamics, nominal, start, (x, u, t) => u[0] = nominal.Control(t)[0]);
        Assert.True(feedbackError < 0.01, $"feedback error {feedbackError}");
        Assert.True(openLoopError > 0.5, $"open-loop error {openLoopError}");

        // Tracking from the perturbed start directly gives a rollout that ends near the nominal too.
        Trajectory fromStart = tracker.Track(nominal, start);
        Assert.Equal(start, fromStart.State(0).ToArray());
        Assert.True(Math.Abs(fromStart.State(horizon)[0] - nominal.State(horizon)[0]) < 0.01);
    }

    [Fact]
    public void BadWeightsAndNominalsAreRejected()
    {
        IDynamics dynamics = ModelOf("double-integrator");
        var indefinite = Assert.Throws<LqrInputException>(() => new TrackingLqr(dynamics, 10, Diagonal(1, 1), Diagonal(-1), Diagonal(1, 1)));
        Assert.Equal("R", indefinite.Matrix);
        Assert.Contains("TrackingLqr: R is not positive definite", indefinite.Message);
        var shape = Assert.Throws<LqrInputException>(() => new TrackingLqr(dynamics, 10, Diagonal(1, 1, 1), Diagonal(1), Diagonal(1, 1)));
        Assert.Equal("Q", shape.Matrix);
        Assert.Throws<ArgumentOutOfRangeException>(() => new TrackingLqr(dynamics, 0, Diagonal(1, 1), Diagonal(1), Diagonal(1, 1)));

        var tracker = new TrackingLqr(dynamics, 10, Diagonal(1, 1), Diagonal(1), Diagonal(1, 1));
        Assert.Throws<ArgumentException>(() => tracker.Track(new Trajectory(9, 2, 1)));
        var nominal = new Trajectory(10, 2, 1);
        nominal.States[3] = double.NaN;
        var nan = Assert.Throws<LqrInputException>(() => tracker.Track(nominal));
        Assert.Contains("nominal states", nan.Message);
    }

    private static Trajectory OpenLoop(IDynamics dynamics, double[] x0, int horizon, Func<int, double> control)
    {
        var trajectory = new Trajectory(horizon, dynamics.StateSize, dynamics.ControlSize);
        DynamicsWorkspace workspace = dynamics.CreateWorkspace();
        x0.CopyTo(trajectory.State(0));
        for (int t = 0; t < horizon; t++)
        {
            trajectory.Control(t)[0] = control(t);
            dynamics.Step(workspace, trajectory.State(t), trajectory.Control(t), trajectory.State(t + 1));
        }
        return trajectory;
    }

    private delegate void Controller(double[] x, double[] u, int t);

    private static double FinalError(IDynamics dynamics, Trajectory nominal, double[] start, Controller controller)
    {
        DynamicsWorkspace workspace = dynamics.CreateWorkspace();
        double[] x = (double[])start.Clone(), u = new double[1], next = new double[2];
        for (int t = 0; t < nominal.Horizon; t++)
        {
            controller(x, u, t);
            dynamics.Step(workspace, x, u, next);
            next.CopyTo(x, 0);
        }
        return Math.Abs(x[0] - nominal.State(nominal.Horizon)[0]) + Math.Abs(x[1] - nominal.State(nominal.Horizon)[1]);
    }
}
