// Unit-quaternion arithmetic for the attitude test system: Hamilton product, the exponential of a rotation vector
// and its inverse (the rotation vector of a quaternion), rotation matrices, and the right Jacobian of SO(3) and its
// inverse (Sola, Deray and Atchuthan 2018, "A micro Lie theory for state estimation in robotics", eqs. 143-146);
// near zero angle the coefficients use their Taylor series, where the closed forms lose digits to cancellation.
// Quaternions are (w, x, y, z); a rotation vector r has angle |r| about axis r / |r|.
namespace Control.Planning.Tests;

public static class Quaternions
{
    /// <summary>a (x) b.</summary>
    public static void Multiply(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> result)
    {
        double w = a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3];
        double x = a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2];
        double y = a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1];
        double z = a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0];
        result[0] = w;
        result[1] = x;
        result[2] = y;
        result[3] = z;
    }

    /// <summary>The conjugate (the inverse of a unit quaternion).</summary>
    public static void Conjugate(ReadOnlySpan<double> q, Span<double> result)
    {
        result[0] = q[0];
        result[1] = -q[1];
        result[2] = -q[2];
        result[3] = -q[3];
    }

    /// <summary>exp(r / 2): the unit quaternion of rotation vector r.</summary>
    public static void FromRotationVector(ReadOnlySpan<double> r, Span<double> q)
    {
        double angle = Math.Sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);
        // sin(angle / 2) / angle, by its Taylor series near zero.
        double scale = angle < 1e-6 ? 0.5 - angle * angle / 48 : Math.Sin(angle / 2) / angle;
        q[0] = Math.Cos(angle / 2);
        q[1] = scale * r[0];
        q[2] = scale * r[1];
        q[3] = scale * r[2];
    }

    /// <summary>2 log(q): the rotation vector of q, of angle at most pi (q and -q are the same rotation).</summary>
    public static void ToRotationVector(ReadOnlySpan<double> q, Span<double> r)
    {
        double sign = q[0] < 0 ? -1 : 1;
        double w = sign * q[0];
        double sine = Math.Sqrt(q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        // angle / sin(angle / 2) with angle = 2 atan2(sine, w); its limit 2 / w near zero.
        double scale = sine < 1e-8 ? 2 / w : 2 * Math.Atan2(sine, w) / sine;
        for (int i = 0; i < 3; i++) r[i] = sign * scale * q[i + 1];
    }

    /// <summary>Divides q by its norm.</summary>
    public static void Normalize(Span<double> q)
    {
        double norm = Math.Sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] + q[3] * q[3]);
        for (int i = 0; i < 4; i++) q[i] /= norm;
    }

    /// <summary>The rotation matrix (3 x 3, row-major) of rotation vector r.</summary>
    public static double[] RotationMatrix(ReadOnlySpan<double> r)
    {
        double angle = Norm(r);
        double[] k = Skew(r), k2 = Multiply3(k, k);
        double a2 = angle * angle;
        double a = angle < 1e-2 ? 1 - a2 / 6 : Math.Sin(angle) / angle;
        double b = angle < 1e-2 ? 0.5 - a2 / 24 : (1 - Math.Cos(angle)) / a2;
        return Combine(a, k, b, k2);
    }

    /// <summary>Jr(r) = I - (1 - cos a) / a^2 [r]x + (a - sin a) / a^3 [r]x^2, a = |r|: Exp(r + d) ~ Exp(r) Exp(Jr(r) d).</summary>
    public static double[] RightJacobian(ReadOnlySpan<double> r)
    {
        double angle = Norm(r);
        double[] k = Skew(r), k2 = Multiply3(k, k);
        double a2 = angle * angle;
        double a = angle < 1e-2 ? -(0.5 - a2 / 24) : -(1 - Math.Cos(angle)) / a2;
        double b = angle < 1e-2 ? 1.0 / 6 - a2 / 120 : (angle - Math.Sin(angle)) / (a2 * angle);
        return Combine(a, k, b, k2);
    }

    /// <summary>Jr^-1(r) = I + 1/2 [r]x + (1 / a^2 - (1 + cos a) / (2 a sin a)) [r]x^2: Log(Exp(r) Exp(d)) ~ r + Jr^-1(r) d.</summary>
    public static double[] InverseRightJacobian(ReadOnlySpan<double> r)
    {
        double angle = Norm(r);
        double[] k = Skew(r), k2 = Multiply3(k, k);
        double a2 = angle * angle;
        double b = angle < 1e-2 ? 1.0 / 12 + a2 / 720 : 1 / a2 - (1 + Math.Cos(angle)) / (2 * angle * Math.Sin(angle));
        return Combine(0.5, k, b, k2);
    }

    private static double Norm(ReadOnlySpan<double> r) => Math.Sqrt(r[0] * r[0] + r[1] * r[1] + r[2] * r[2]);

    /// <summary>[r]x: the cross-product matrix, [r]x v = r x v.</summary>
    public static double[] Skew(ReadOnlySpan<double> r) => [0, -r[2], r[1], r[2], 0, -r[0], -r[1], r[0], 0];

    /// <summary>a b for 3 x 3 row-major matrices.</summary>
    public static double[] Multiply3(double[] a, double[] b)
    {
        var c = new double[9];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                for (int p = 0; p < 3; p++) c[i * 3 + j] += a[i * 3 + p] * b[p * 3 + j];
            }
        }
        return c;
    }

    // I + a A + b B.
    private static double[] Combine(double a, double[] first, double b, double[] second)
    {
        var c = new double[9];
        for (int i = 0; i < 9; i++) c[i] = a * first[i] + b * second[i] + (i % 4 == 0 ? 1 : 0);
        return c;
    }
}
