// mj-quadrotor: a quadrotor on a free joint flies to p* = (0, 0, 1) and hovers there level, heading +x. Its state
// holds a unit quaternion (n = 13, tangent 12), so planners work in MuJoCoStateSpace's tangent coordinates. The
// attitude enters the cost through the body axes R e3 and R e1 in the world, smooth and free of the quaternion's
// sign.
using Control.Core;
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Tasks;

/// <summary>Fly to the goal and hover (Models/README.md, quadrotor.xml).</summary>
public sealed class QuadrotorTask : MuJoCoTask
{
    /// <summary>mj_steps per env step (0.02 s).</summary>
    public const int Substeps = 2;

    /// <summary>Rotor control that holds the weight: mass g / 4 / gear = 0.8 * 9.81 / 4 / 4.</summary>
    public const double HoverControl = 0.8 * 9.81 / 4 / 4;

    /// <summary>Distance from the goal (max norm, m) at which the episode ends: it flew away.</summary>
    public const double MaxDistance = 5;

    private static readonly double[] Goal = [0, 0, 1];
    private readonly int position, quaternion, linearVelocity, angularVelocity;

    /// <summary>The task on the loaded quadrotor model.</summary>
    public QuadrotorTask(MuJoCoModel model) : base(model, actuators: 4, new MuJoCoDynamicsConfig { Substeps = Substeps })
    {
        position = QposIndex("root");
        quaternion = position + 3;
        linearVelocity = QvelIndex("root");
        angularVelocity = linearVelocity + 3;
        IStateSpace space = Dynamics.StateSpace;
        var residual = new ResidualStack(
            new FunctionResidual(space, 4, 15, HoverResidual),
            new ControlResidual(space, 4, target: [HoverControl, HoverControl, HoverControl, HoverControl]));
        Cost = new ResidualCost(residual,
        [
            new ResidualTerm("position", 0, 3, ResidualNorm.Quadratic, 10, 100),
            new ResidualTerm("tilt", 3, 3, ResidualNorm.Quadratic, 5, 50),
            new ResidualTerm("heading", 6, 3, ResidualNorm.Quadratic, 0.5, 5),
            new ResidualTerm("linear velocity", 9, 3, ResidualNorm.Quadratic, 0.5, 5),
            new ResidualTerm("angular velocity", 12, 3, ResidualNorm.Quadratic, 0.1, 1),
            new ResidualTerm("thrust", residual.Offset(1), 4, ResidualNorm.Quadratic, 1, 0),
        ], new ResidualCostConfig { Name = "mj-quadrotor" });
    }

    /// <inheritdoc />
    public override ICost Cost { get; }

    /// <inheritdoc />
    public override int ObservationSize => 18;

    /// <summary>(p - p*, R row-major, linear velocity (world), angular velocity (body)).</summary>
    public override void Observe(MuJoCoData data, ReadOnlySpan<double> x, Span<double> observation)
    {
        for (int i = 0; i < 3; i++) observation[i] = x[position + i] - Goal[i];
        Rotation(x.Slice(quaternion, 4), observation.Slice(3, 9));
        x.Slice(linearVelocity, 3).CopyTo(observation[12..]);
        x.Slice(angularVelocity, 3).CopyTo(observation[15..]);
    }

    /// <inheritdoc />
    public override double Reward(ReadOnlySpan<double> x, ReadOnlySpan<double> u, ReadOnlySpan<double> next, MuJoCoData data)
        => NegativeStageCost(x, u);

    /// <summary>Flew away: more than 5 m from the goal along some axis.</summary>
    public override bool Terminated(ReadOnlySpan<double> next, MuJoCoData data)
    {
        for (int i = 0; i < 3; i++)
            if (!(Math.Abs(next[position + i] - Goal[i]) <= MaxDistance)) return true;
        return false;
    }

    /// <summary>p = p* + U(-0.5, 0.5) each, attitude exp of a rotation vector with entries U(-0.3, 0.3), velocities U(-0.1, 0.1).</summary>
    public override void SampleInitialState(Rng random, Span<double> x)
    {
        ReferenceState(x);
        for (int i = 0; i < 3; i++) x[position + i] = Goal[i] + random.Uniform(-0.5, 0.5);
        Span<double> rotation = stackalloc double[3];
        random.FillUniform(rotation, -0.3, 0.3);
        double angle = Math.Sqrt(rotation[0] * rotation[0] + rotation[1] * rotation[1] + rotation[2] * rotation[2]);
        (double sin, double cos) = Math.SinCos(angle / 2);
        double scale = angle > 0 ? sin / angle : 0.5;
        x[quaternion] = cos;
        for (int i = 0; i < 3; i++) x[quaternion + 1 + i] = scale * rotation[i];
        for (int i = 0; i < 6; i++) x[linearVelocity + i] = random.Uniform(-0.1, 0.1);
    }

    /// <inheritdoc />
    public override bool HasGoal => true;

    /// <summary>Within 5 cm of p*, tilted less than 0.05 rad, |v| &lt; 0.1 m/s and |w| &lt; 0.2 rad/s.</summary>
    public override bool AtGoal(ReadOnlySpan<double> x)
    {
        Span<double> r = stackalloc double[9];
        Rotation(x.Slice(quaternion, 4), r);
        double tilt = Math.Acos(Math.Clamp(r[8], -1, 1));
        return Norm(x, position, Goal) < 0.05 && tilt < 0.05 && Norm(x, linearVelocity, null) < 0.1 && Norm(x, angularVelocity, null) < 0.2;
    }

    // r = [p - p*, R e3 - e3, R e1 - e1, v, w] (15 entries).
    private void HoverResidual(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        Span<double> rotation = stackalloc double[9];
        Rotation(x.Slice(quaternion, 4), rotation);
        for (int i = 0; i < 3; i++)
        {
            r[i] = x[position + i] - Goal[i];
            r[3 + i] = rotation[3 * i + 2] - (i == 2 ? 1 : 0);
            r[6 + i] = rotation[3 * i] - (i == 0 ? 1 : 0);
            r[9 + i] = x[linearVelocity + i];
            r[12 + i] = x[angularVelocity + i];
        }
    }

    // The rotation matrix (row-major, body to world) of quaternion q = (w, x, y, z), normalized first.
    private static void Rotation(ReadOnlySpan<double> q, Span<double> r)
    {
        double norm = Math.Sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        double w = q[0] / norm, a = q[1] / norm, b = q[2] / norm, c = q[3] / norm;
        r[0] = 1 - 2 * (b * b + c * c);
        r[1] = 2 * (a * b - w * c);
        r[2] = 2 * (a * c + w * b);
        r[3] = 2 * (a * b + w * c);
        r[4] = 1 - 2 * (a * a + c * c);
        r[5] = 2 * (b * c - w * a);
        r[6] = 2 * (a * c - w * b);
        r[7] = 2 * (b * c + w * a);
        r[8] = 1 - 2 * (a * a + b * b);
    }

    private static double Norm(ReadOnlySpan<double> x, int start, double[]? reference)
    {
        double sum = 0;
        for (int i = 0; i < 3; i++)
        {
            double v = x[start + i] - (reference?[i] ?? 0);
            sum += v * v;
        }
        return Math.Sqrt(sum);
    }
}
