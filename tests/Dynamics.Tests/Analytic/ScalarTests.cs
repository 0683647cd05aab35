// Forward-mode scalars: Dual and Dual2 derivatives of compositions of every operation, against finite
// differences and closed forms.
using Control.Core.Models;
using Control.Dynamics.Analytic;

namespace Control.Dynamics.Tests.Analytic;

public class ScalarTests
{
    // A function of three inputs that uses every operation of IScalar.
    private static T F<T>(T a, T b, T c) where T : unmanaged, IScalar<T>
    {
        T p = a * b - c / (2.0 + b * b) + T.Sin(a) * T.Cos(c) + T.Exp(0.3 * b) - T.Log(1.5 + T.Tanh(c));
        T q = T.Sqrt(1.0 + a * a) / (3.0 - T.Cos(b)) + 2.0 * a - (1.0 - c) + (a + 1.0) * 0.5 - (-b) / 4.0 + 1.0 / (2.0 + T.Sin(c) * a);
        return p * q + a / b;
    }

    private static double FDouble(double[] z) => F(new Real(z[0]), new Real(z[1]), new Real(z[2])).Value;

    [Theory]
    [InlineData(0.3, 1.2, -0.7)]
    [InlineData(-1.1, 0.8, 0.4)]
    [InlineData(2.0, -1.5, 1.9)]
    public void DualGivesTheGradient(double a, double b, double c)
    {
        Dual r = F(Dual.Variable(a, 0), Dual.Variable(b, 1), Dual.Variable(c, 2));
        var gradient = new double[3];
        FiniteDifferences.Gradient(FDouble, [a, b, c], gradient, 1e-6);
        Assert.Equal(FDouble([a, b, c]), r.Value, 14);
        for (int i = 0; i < 3; i++) Assert.Equal(gradient[i], r.Derivative(i), 6);
        for (int i = 3; i < Scalar.MaxInputs; i++) Assert.Equal(0.0, r.Derivative(i));
    }

    [Theory]
    [InlineData(0.3, 1.2, -0.7)]
    [InlineData(-1.1, 0.8, 0.4)]
    [InlineData(2.0, -1.5, 1.9)]
    public void Dual2GivesGradientAndHessian(double a, double b, double c)
    {
        Dual2 r = F(Dual2.Variable(a, 0), Dual2.Variable(b, 1), Dual2.Variable(c, 2));
        Dual first = F(Dual.Variable(a, 0), Dual.Variable(b, 1), Dual.Variable(c, 2));
        var hessian = new double[9];
        FiniteDifferences.Hessian(FDouble, [a, b, c], hessian, 1e-4);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(first.Derivative(i), r.Derivative(i), 12);
            for (int j = 0; j < 3; j++)
            {
                Assert.Equal(r.SecondDerivative(i, j), r.SecondDerivative(j, i), 10);
                double scale = 1 + Math.Abs(hessian[i * 3 + j]);
                Assert.True(Math.Abs(hessian[i * 3 + j] - r.SecondDerivative(i, j)) < 1e-5 * scale,
                    $"H[{i},{j}]: finite differences {hessian[i * 3 + j]}, Dual2 {r.SecondDerivative(i, j)}");
            }
        }
    }

    // SinCos is the physics' fast path for an angle's sine and cosine: it must be bitwise the same as Sin and Cos
    // (values, gradients and Hessians), so switching the equations to it changes no trajectory.
    [Theory]
    [InlineData(0.3)]
    [InlineData(-2.9)]
    [InlineData(17.5)]
    public void SinCosIsBitwiseSinAndCos(double angle)
    {
        (Real rs, Real rc) = Real.SinCos(new Real(angle));
        Assert.Equal(Real.Sin(new Real(angle)).Value, rs.Value);
        Assert.Equal(Real.Cos(new Real(angle)).Value, rc.Value);
        Dual x = Dual.Variable(0.4, 0) * angle + Dual.Variable(-0.2, 1);
        (Dual ds, Dual dc) = Dual.SinCos(x);
        Dual sin = Dual.Sin(x), cos = Dual.Cos(x);
        Assert.Equal(sin.Value, ds.Value);
        Assert.Equal(cos.Value, dc.Value);
        for (int i = 0; i < Scalar.MaxInputs; i++)
        {
            Assert.Equal(sin.Derivative(i), ds.Derivative(i));
            Assert.Equal(cos.Derivative(i), dc.Derivative(i));
        }
        Dual2 y = Dual2.Variable(0.4, 0) * Dual2.Variable(angle, 1);
        (Dual2 s2, Dual2 c2) = Dual2.SinCos(y);
        Dual2 sin2 = Dual2.Sin(y), cos2 = Dual2.Cos(y);
        for (int i = 0; i < 2; i++)
        {
            Assert.Equal(sin2.Derivative(i), s2.Derivative(i));
            Assert.Equal(cos2.Derivative(i), c2.Derivative(i));
            for (int j = 0; j < 2; j++)
            {
                Assert.Equal(sin2.SecondDerivative(i, j), s2.SecondDerivative(i, j));
                Assert.Equal(cos2.SecondDerivative(i, j), c2.SecondDerivative(i, j));
            }
        }
    }

    [Fact]
    public void ClosedFormSecondDerivatives()
    {
        // d2/dx2 sin(x) y^3 = -sin(x) y^3; d2/dxdy = 3 cos(x) y^2; d2/dy2 = 6 sin(x) y.
        Dual2 x = Dual2.Variable(0.7, 0), y = Dual2.Variable(-1.3, 1);
        Dual2 f = Dual2.Sin(x) * y * y * y;
        Assert.Equal(-Math.Sin(0.7) * Math.Pow(-1.3, 3), f.SecondDerivative(0, 0), 13);
        Assert.Equal(3 * Math.Cos(0.7) * 1.69, f.SecondDerivative(0, 1), 13);
        Assert.Equal(6 * Math.Sin(0.7) * -1.3, f.SecondDerivative(1, 1), 13);
    }

    [Fact]
    public void PiecewiseHelpers()
    {
        Dual x = Dual.Variable(3.0, 0);
        Assert.Equal(0.0, Scalar.Clamp(x, -1, 2).Derivative(0));
        Assert.Equal(2.0, Scalar.Clamp(x, -1, 2).Value);
        Assert.Equal(1.0, Scalar.Clamp(x, -1, 4).Derivative(0));
        Dual w = Scalar.NormalizeAngle(Dual.Variable(3 * Math.PI + 0.25, 0));
        Assert.Equal(-Math.PI + 0.25, w.Value, 12);
        Assert.Equal(1.0, w.Derivative(0));
        Assert.Equal(-Math.PI, Scalar.NormalizeAngle(new Real(Math.PI)).Value, 15);
        Assert.Equal(1.0, Scalar.PythonMod(-3.0, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dual.Variable(1.0, Scalar.MaxInputs));
    }
}
