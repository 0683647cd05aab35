using Control.Core;
using Control.Core.Models;

namespace Control.Robots.MuJoCo.Tests;

public sealed class MuJoCoDynamicsTests
{
    private static double[] FreeBodyState(MuJoCoModel model, long seed)
    {
        var rng = new Rng(seed);
        using MuJoCoData data = model.CreateData();
        var x = new double[model.Nq + model.Nv];
        data.GetState(x);
        x[2] = 0.5;
        var dq = new double[2 * model.Nv];
        for (int i = 0; i < model.Nv; i++) dq[i] = rng.Uniform(-0.6, 0.6);
        for (int i = 0; i < model.Nv; i++) dq[model.Nv + i] = rng.Uniform(-1, 1);
        var result = new double[x.Length];
        new MuJoCoStateSpace(model).Integrate(x, dq, result);
        return result;
    }

    [Fact]
    public void Integrate_and_Difference_are_inverse_on_quaternion_states()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.FreeBody);
        var space = new MuJoCoStateSpace(model);
        Assert.Equal((15, 14), (space.Size, space.TangentSize));
        var rng = new Rng(3);
        var dx = new double[14];
        var moved = new double[15];
        var back = new double[14];
        for (int trial = 0; trial < 50; trial++)
        {
            double[] x = FreeBodyState(model, trial);
            for (int i = 0; i < dx.Length; i++) dx[i] = rng.Uniform(-1.2, 1.2);
            space.Integrate(x, dx, moved);
            double norm = Math.Sqrt(moved[3] * moved[3] + moved[4] * moved[4] + moved[5] * moved[5] + moved[6] * moved[6]);
            Assert.Equal(1.0, norm, 12);
            space.Difference(x, moved, back);
            for (int i = 0; i < dx.Length; i++) Assert.Equal(dx[i], back[i], 10);
        }
    }

    [Fact]
    public void Hinge_models_have_a_Euclidean_state_space()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.Pendulum);
        var dynamics = new MuJoCoDynamics(model);
        Assert.IsType<EuclideanStateSpace>(dynamics.StateSpace);
        Assert.Equal((2, 1), (dynamics.StateSize, dynamics.ControlSize));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(true, 3)]
    public void TransitionFD_matches_our_central_differences_in_tangent_coordinates(bool centered, int substeps)
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.FreeBody);
        var dynamics = new MuJoCoDynamics(model, new MuJoCoDynamicsConfig { Centered = centered, Substeps = substeps });
        IStateSpace space = dynamics.StateSpace;
        int n = dynamics.StateSize, nt = space.TangentSize, m = dynamics.ControlSize;
        DynamicsWorkspace ws = dynamics.CreateWorkspace();
        double[] x = FreeBodyState(model, 7);
        double[] u = [0.4];
        double[] next = new double[n], fx = new double[nt * nt], fu = new double[nt * m];
        dynamics.Linearize(ws, x, u, next, fx, fu);
        double[] expectedNext = new double[n];
        dynamics.Step(ws, x, u, expectedNext);
        Assert.Equal(expectedNext, next);

        const double h = 1e-6;
        double[] dx = new double[nt], xp = new double[n], xm = new double[n], np = new double[n], nm = new double[n];
        double[] dp = new double[nt], dm = new double[nt];
        double worst = 0;
        for (int j = 0; j < nt + m; j++)
        {
            if (j < nt)
            {
                Array.Clear(dx);
                dx[j] = h;
                space.Integrate(x, dx, xp);
                dx[j] = -h;
                space.Integrate(x, dx, xm);
                dynamics.Step(ws, xp, u, np);
                dynamics.Step(ws, xm, u, nm);
            }
            else
            {
                dynamics.Step(ws, x, [u[0] + h], np);
                dynamics.Step(ws, x, [u[0] - h], nm);
            }
            space.Difference(next, np, dp);
            space.Difference(next, nm, dm);
            for (int i = 0; i < nt; i++)
            {
                double ours = (dp[i] - dm[i]) / (2 * h);
                double theirs = j < nt ? fx[i * nt + j] : fu[i * m + (j - nt)];
                worst = Math.Max(worst, Math.Abs(ours - theirs) / Math.Max(1.0, Math.Abs(ours)));
            }
        }
        Assert.True(worst < 1e-4, $"largest relative Jacobian difference {worst:E2}");
    }

    [Fact]
    public void A_step_is_a_function_of_state_and_control_alone()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.FreeBody);
        var dynamics = new MuJoCoDynamics(model);
        DynamicsWorkspace ws = dynamics.CreateWorkspace();
        double[] x = FreeBodyState(model, 1);
        x[2] = 0.05; // resting on the floor: contacts, so the solver's warm start would matter
        double[] first = new double[x.Length], second = new double[x.Length], other = new double[x.Length];
        dynamics.Step(ws, x, [0.7], first);
        dynamics.Step(ws, FreeBodyState(model, 2), [-1], other);
        dynamics.Step(ws, x, [0.7], second);
        Assert.Equal(first, second);
        dynamics.Step(dynamics.CreateWorkspace(), x, [0.7], second);
        Assert.Equal(first, second);
    }

    [Fact]
    public void NaN_controls_and_states_are_refused_and_the_model_stays_usable()
    {
        using MuJoCoModel model = MuJoCoModel.FromXml(TestModels.Pendulum, "pendulum.xml");
        var dynamics = new MuJoCoDynamics(model);
        DynamicsWorkspace ws = dynamics.CreateWorkspace();
        double[] next = new double[2];
        var control = Assert.Throws<ArgumentException>(() => dynamics.Step(ws, [0.1, 0], [double.NaN], next));
        Assert.Contains("control 0 is NaN", control.Message);
        var state = Assert.Throws<ArgumentException>(() => dynamics.Step(ws, [double.PositiveInfinity, 0], [0], next));
        Assert.Contains("state entry 0", state.Message);
        var size = Assert.Throws<ArgumentException>(() => dynamics.Step(ws, [0.1, 0, 0], [0], next));
        Assert.Contains("expected x and next of length 2", size.Message);
        dynamics.Step(ws, [0.1, 0], [0], next);
        Assert.True(next[1] < 0);
    }

    [Fact]
    public void A_diverging_simulation_is_reported_and_the_next_step_works()
    {
        string violent = TestModels.Pendulum.Replace("gear=\"1\" ctrllimited=\"true\" ctrlrange=\"-2 2\"", "gear=\"1e12\"");
        using MuJoCoModel model = MuJoCoModel.FromXml(violent, "violent.xml");
        var dynamics = new MuJoCoDynamics(model);
        DynamicsWorkspace ws = dynamics.CreateWorkspace();
        double[] next = new double[2];
        var error = Assert.Throws<SimulationDivergedException>(() => dynamics.Step(ws, [0.1, 0], [1], next));
        Assert.True(error.Warnings.HasFlag(MuJoCoWarnings.BadQacc) || error.Warnings.HasFlag(MuJoCoWarnings.BadQvel) || error.Warnings.HasFlag(MuJoCoWarnings.BadQpos), error.Warnings.ToString());
        Assert.Contains("violent.xml", error.Message);
        Assert.Equal([0.1, 0], error.State);
        dynamics.Step(ws, [0.1, 0], [0], next);
        Assert.True(double.IsFinite(next[0]) && double.IsFinite(next[1]));
    }

    [Fact]
    public void The_wrong_workspace_is_refused()
    {
        using MuJoCoModel a = MuJoCoModel.FromXml(TestModels.Pendulum);
        using MuJoCoModel b = MuJoCoModel.FromXml(TestModels.Pendulum);
        var da = new MuJoCoDynamics(a);
        var db = new MuJoCoDynamics(b);
        Assert.Throws<ArgumentException>(() => da.Step(db.CreateWorkspace(), [0, 0], [0], new double[2]));
    }
}
