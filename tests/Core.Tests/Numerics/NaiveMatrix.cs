// Independent reference arithmetic on double[,] for the numerics tests: plain triple loops that share no code with
// the kernels under test. A copy of the LQR tests' helpers, since this project references only Core.
namespace Control.Core.Tests.Numerics;

internal static class NaiveMatrix
{
    public static double[,] Normal(Rng rng, int rows, int cols, double scale = 1)
    {
        var m = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++) m[i, j] = scale * rng.Normal();
        }
        return m;
    }

    public static double[,] Identity(int n)
    {
        var m = new double[n, n];
        for (int i = 0; i < n; i++) m[i, i] = 1;
        return m;
    }

    public static double[,] Diagonal(params double[] values)
    {
        var m = new double[values.Length, values.Length];
        for (int i = 0; i < values.Length; i++) m[i, i] = values[i];
        return m;
    }

    public static double[,] Multiply(double[,] x, double[,] y)
    {
        int rows = x.GetLength(0), inner = x.GetLength(1), cols = y.GetLength(1);
        Assert.Equal(inner, y.GetLength(0));
        var z = new double[rows, cols];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                double sum = 0;
                for (int k = 0; k < inner; k++) sum += x[i, k] * y[k, j];
                z[i, j] = sum;
            }
        }
        return z;
    }

    public static double[,] Transpose(double[,] x)
    {
        var t = new double[x.GetLength(1), x.GetLength(0)];
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int j = 0; j < x.GetLength(1); j++) t[j, i] = x[i, j];
        }
        return t;
    }

    public static double[,] Add(double[,] x, double[,] y)
    {
        var z = (double[,])x.Clone();
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int j = 0; j < x.GetLength(1); j++) z[i, j] += y[i, j];
        }
        return z;
    }

    public static double[,] Scale(double[,] x, double s)
    {
        var z = (double[,])x.Clone();
        for (int i = 0; i < x.GetLength(0); i++)
        {
            for (int j = 0; j < x.GetLength(1); j++) z[i, j] *= s;
        }
        return z;
    }

    public static double Norm(double[,] x)
    {
        double sum = 0;
        foreach (double v in x) sum += v * v;
        return Math.Sqrt(sum);
    }

    /// <summary>||x - y||_F / max(||y||_F, 1e-300).</summary>
    public static double RelativeError(double[,] x, double[,] y) => Norm(Add(x, Scale(y, -1))) / Math.Max(Norm(y), 1e-300);
}
