// A goal-reaching cost on the attitude manifold: l = 1/2 e'Q e + 1/2 u'R u and lf = 1/2 e'Q_f e with the tangent
// error e = Difference(goal, x). Gauss-Newton derivatives in tangent coordinates: with J = de/d(dx) =
// blockdiag(Jr^-1(e_rot), I) (the rotation's inverse right Jacobian), Lx = J'Q e and Lxx = J'Q J.
using Control.Core.Models;

namespace Control.Planning.Tests;

/// <summary>Diagonal weights on the tangent error to <paramref name="goal"/> and on the torques.</summary>
public sealed class AttitudeCost(double[] goal, double[] stateWeight, double controlWeight, double[] finalStateWeight) : ICost
{
    private readonly AttitudeStateSpace space = new();

    /// <inheritdoc />
    public int StateSize => 7;

    /// <inheritdoc />
    public int ControlSize => 3;

    /// <inheritdoc />
    public IStateSpace StateSpace => space;

    /// <summary>e = Difference(goal, x) (6).</summary>
    public double[] Error(ReadOnlySpan<double> x)
    {
        var e = new double[6];
        space.Difference(goal, x, e);
        return e;
    }

    /// <inheritdoc />
    public double Stage(ReadOnlySpan<double> x, ReadOnlySpan<double> u) => Quadratic(Error(x), stateWeight) + Control(u);

    /// <inheritdoc />
    public double Terminal(ReadOnlySpan<double> x) => Quadratic(Error(x), finalStateWeight);

    /// <inheritdoc />
    public void StageDerivatives(ReadOnlySpan<double> x, ReadOnlySpan<double> u, CostDerivatives d)
    {
        GaussNewton(x, stateWeight, d);
        d.L += Control(u);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
        for (int i = 0; i < 3; i++)
        {
            d.Lu[i] = controlWeight * u[i];
            d.Luu[i * 3 + i] = controlWeight;
        }
    }

    /// <inheritdoc />
    public void TerminalDerivatives(ReadOnlySpan<double> x, CostDerivatives d)
    {
        GaussNewton(x, finalStateWeight, d);
        Array.Clear(d.Lu);
        Array.Clear(d.Luu);
        Array.Clear(d.Lux);
    }

    private void GaussNewton(ReadOnlySpan<double> x, double[] weight, CostDerivatives d)
    {
        double[] e = Error(x);
        double[] inverse = Quaternions.InverseRightJacobian(e.AsSpan(0, 3));
        var j = new double[36];
        for (int r = 0; r < 3; r++)
        {
            for (int c = 0; c < 3; c++) j[r * 6 + c] = inverse[r * 3 + c];
            j[(3 + r) * 6 + 3 + r] = 1;
        }
        d.L = Quadratic(e, weight);
        for (int a = 0; a < 6; a++)
        {
            double s = 0;
            for (int r = 0; r < 6; r++) s += j[r * 6 + a] * weight[r] * e[r];
            d.Lx[a] = s;
            for (int b = 0; b < 6; b++)
            {
                double h = 0;
                for (int r = 0; r < 6; r++) h += j[r * 6 + a] * weight[r] * j[r * 6 + b];
                d.Lxx[a * 6 + b] = h;
            }
        }
    }

    private double Control(ReadOnlySpan<double> u) => 0.5 * controlWeight * (u[0] * u[0] + u[1] * u[1] + u[2] * u[2]);

    private static double Quadratic(double[] e, double[] weight)
    {
        double sum = 0;
        for (int i = 0; i < e.Length; i++) sum += weight[i] * e[i] * e[i];
        return 0.5 * sum;
    }
}
