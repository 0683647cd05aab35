// Eigenvalues of a small real square matrix by the textbook route: Householder reduction to upper Hessenberg
// form, then Francis double-shift QR steps with deflation (Golub & Van Loan, "Matrix Computations", 7.4-7.5).
// Only eigenvalues are computed (no vectors), so each QR step touches just the active diagonal block. LQR uses
// them for the PBH stabilizability / detectability tests and for the closed-loop spectral radius.
namespace Control.Core.Numerics;

/// <summary>Eigenvalues of a real n x n row-major matrix (real and imaginary parts; complex ones come in conjugate pairs).</summary>
public static class Eigenvalues
{
    private const int MaxStepsPerEigenvalue = 60;

    // Unit roundoff of double (2^-52): a subdiagonal entry this small relative to its neighbours is zero.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>Length of the workspace <see cref="Compute(ReadOnlySpan{double}, int, Span{double}, Span{double}, Span{double})"/> needs.</summary>
    public static int WorkspaceLength(int n) => n * n + n;

    /// <summary>The eigenvalues of <paramref name="a"/> as new arrays (real parts, imaginary parts), in no particular order.</summary>
    public static (double[] Real, double[] Imaginary) Compute(ReadOnlySpan<double> a, int n)
    {
        var real = new double[n];
        var imaginary = new double[n];
        Compute(a, n, real, imaginary, new double[WorkspaceLength(n)]);
        return (real, imaginary);
    }

    /// <summary>
    /// Writes the eigenvalues of the n x n matrix <paramref name="a"/> into <paramref name="real"/> and
    /// <paramref name="imaginary"/>, using <paramref name="workspace"/> (<see cref="WorkspaceLength"/> entries);
    /// allocates nothing. Throws on non-finite entries, and <see cref="ArithmeticException"/> if QR does not converge.
    /// </summary>
    public static void Compute(ReadOnlySpan<double> a, int n, Span<double> real, Span<double> imaginary, Span<double> workspace)
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "Eigenvalues: expected a matrix of size at least 1.");
        if (a.Length != n * n) throw new ArgumentException($"Eigenvalues: expected {n * n} entries for a {n} x {n} matrix, got {a.Length}.");
        if (real.Length < n || imaginary.Length < n) throw new ArgumentException($"Eigenvalues: expected output spans of length {n}.");
        if (workspace.Length < WorkspaceLength(n)) throw new ArgumentException($"Eigenvalues: expected a workspace of {WorkspaceLength(n)} entries, got {workspace.Length}.");
        for (int i = 0; i < a.Length; i++)
        {
            if (!double.IsFinite(a[i])) throw new ArgumentException($"Eigenvalues: entry [{i / n}, {i % n}] is {a[i]}; expected finite entries.");
        }
        Span<double> h = workspace[..(n * n)];
        a.CopyTo(h);
        ReduceToHessenberg(h, n, workspace.Slice(n * n, n));
        HessenbergQr(h, n, real, imaginary);
    }

    /// <summary>max |lambda_i| of the n x n matrix, with <paramref name="workspace"/> of n * n + 3 n entries; allocates nothing.</summary>
    public static double SpectralRadius(ReadOnlySpan<double> a, int n, Span<double> workspace)
    {
        Span<double> real = workspace.Slice(WorkspaceLength(n), n);
        Span<double> imaginary = workspace.Slice(WorkspaceLength(n) + n, n);
        Compute(a, n, real, imaginary, workspace[..WorkspaceLength(n)]);
        double radius = 0;
        for (int i = 0; i < n; i++) radius = Math.Max(radius, Modulus(real[i], imaginary[i]));
        return radius;
    }

    /// <summary>|re + i im| without overflow.</summary>
    public static double Modulus(double re, double im) => double.Hypot(re, im);

    // Householder similarity transforms H <- P H P that zero column k below the subdiagonal, k = 0..n-3.
    private static void ReduceToHessenberg(Span<double> h, int n, Span<double> v)
    {
        for (int k = 0; k < n - 2; k++)
        {
            double scale = 0;
            for (int i = k + 1; i < n; i++) scale = Math.Max(scale, Math.Abs(h[i * n + k]));
            if (scale == 0) continue;
            double norm2 = 0;
            for (int i = k + 1; i < n; i++)
            {
                v[i] = h[i * n + k] / scale;
                norm2 += v[i] * v[i];
            }
            double alpha = v[k + 1] >= 0 ? -Math.Sqrt(norm2) : Math.Sqrt(norm2);
            v[k + 1] -= alpha;
            double vv = norm2 - 2 * alpha * (v[k + 1] + alpha) + alpha * alpha;
            if (vv == 0) continue;
            double tau = 2 / vv;
            // Left: rows k+1..n-1 of every column from k on.
            for (int j = k; j < n; j++)
            {
                double dot = 0;
                for (int i = k + 1; i < n; i++) dot += v[i] * h[i * n + j];
                dot *= tau;
                for (int i = k + 1; i < n; i++) h[i * n + j] -= dot * v[i];
            }
            // Right: columns k+1..n-1 of every row.
            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int j = k + 1; j < n; j++) dot += h[i * n + j] * v[j];
                dot *= tau;
                for (int j = k + 1; j < n; j++) h[i * n + j] -= dot * v[j];
            }
            for (int i = k + 2; i < n; i++) h[i * n + k] = 0;
        }
    }

    // Francis double-shift QR on the active block [low..high] until every block is 1 x 1 or 2 x 2.
    private static void HessenbergQr(Span<double> h, int n, Span<double> real, Span<double> imaginary)
    {
        double norm = 0;
        for (int i = 0; i < n * n; i++) norm = Math.Max(norm, Math.Abs(h[i]));
        int high = n - 1;
        int steps = 0;
        while (high >= 0)
        {
            int low = high;
            while (low > 0)
            {
                double size = Math.Abs(h[(low - 1) * n + low - 1]) + Math.Abs(h[low * n + low]);
                if (size == 0) size = norm;
                if (Math.Abs(h[low * n + low - 1]) <= double.Epsilon + MachineEpsilon * size)
                {
                    h[low * n + low - 1] = 0;
                    break;
                }
                low--;
            }

            if (low == high)
            {
                real[high] = h[high * n + high];
                imaginary[high] = 0;
                high--;
                steps = 0;
                continue;
            }
            if (low == high - 1)
            {
                TwoByTwo(h[low * n + low], h[low * n + high], h[high * n + low], h[high * n + high],
                    out real[low], out imaginary[low], out real[high], out imaginary[high]);
                high -= 2;
                steps = 0;
                continue;
            }
            if (++steps > MaxStepsPerEigenvalue)
                throw new ArithmeticException($"Eigenvalues: QR iteration did not converge for a {n} x {n} matrix.");
            FrancisStep(h, n, low, high, exceptional: steps % 10 == 0);
        }
    }

    private static void FrancisStep(Span<double> h, int n, int low, int high, bool exceptional)
    {
        // Shifts: the eigenvalues of the trailing 2 x 2 block, through their sum s and product t; every tenth
        // step an ad hoc pair breaks cycles.
        double s, t;
        if (exceptional)
        {
            double w = Math.Abs(h[high * n + high - 1]) + Math.Abs(h[(high - 1) * n + high - 2]);
            s = 1.5 * w;
            t = w * w;
        }
        else
        {
            double a = h[(high - 1) * n + high - 1], b = h[(high - 1) * n + high];
            double c = h[high * n + high - 1], d = h[high * n + high];
            s = a + d;
            t = a * d - b * c;
        }

        // First column of (H - s1 I)(H - s2 I) = H^2 - s H + t I, restricted to the active block.
        double h00 = h[low * n + low], h01 = h[low * n + low + 1];
        double h10 = h[(low + 1) * n + low], h11 = h[(low + 1) * n + low + 1];
        double x = h00 * h00 + h01 * h10 - s * h00 + t;
        double y = h10 * (h00 + h11 - s);
        double z = h10 * h[(low + 2) * n + low + 1];

        for (int k = low; k <= high - 1; k++)
        {
            int size = k < high - 1 ? 3 : 2;
            if (size == 2) z = 0;
            double scale = Math.Abs(x) + Math.Abs(y) + Math.Abs(z);
            if (scale != 0)
            {
                double v0 = x / scale, v1 = y / scale, v2 = z / scale;
                double norm = Math.Sqrt(v0 * v0 + v1 * v1 + v2 * v2);
                double alpha = v0 >= 0 ? -norm : norm;
                v0 -= alpha;
                double tau = 2 / (v0 * v0 + v1 * v1 + v2 * v2);

                int firstColumn = Math.Max(low, k - 1);
                for (int j = firstColumn; j <= high; j++)
                {
                    double dot = v0 * h[k * n + j] + v1 * h[(k + 1) * n + j];
                    if (size == 3) dot += v2 * h[(k + 2) * n + j];
                    dot *= tau;
                    h[k * n + j] -= dot * v0;
                    h[(k + 1) * n + j] -= dot * v1;
                    if (size == 3) h[(k + 2) * n + j] -= dot * v2;
                }
                if (k > low)
                {
                    h[(k + 1) * n + k - 1] = 0;
                    if (size == 3) h[(k + 2) * n + k - 1] = 0;
                }

                int lastRow = Math.Min(k + 3, high);
                for (int i = low; i <= lastRow; i++)
                {
                    double dot = h[i * n + k] * v0 + h[i * n + k + 1] * v1;
                    if (size == 3) dot += h[i * n + k + 2] * v2;
                    dot *= tau;
                    h[i * n + k] -= dot * v0;
                    h[i * n + k + 1] -= dot * v1;
                    if (size == 3) h[i * n + k + 2] -= dot * v2;
                }
            }
            if (k < high - 1)
            {
                x = h[(k + 1) * n + k];
                y = h[(k + 2) * n + k];
                z = k < high - 2 ? h[(k + 3) * n + k] : 0;
            }
        }
    }

    // Eigenvalues of [[a, b], [c, d]], real pair computed without cancellation.
    private static void TwoByTwo(double a, double b, double c, double d,
        out double re1, out double im1, out double re2, out double im2)
    {
        double p = 0.5 * (a - d);
        double bc = b * c;
        double discriminant = p * p + bc;
        if (discriminant >= 0)
        {
            double root = Math.Sqrt(discriminant);
            double z = p + (p >= 0 ? root : -root);
            re1 = d + z;
            re2 = z == 0 ? d : d - bc / z;
            im1 = 0;
            im2 = 0;
        }
        else
        {
            double root = Math.Sqrt(-discriminant);
            re1 = d + p;
            re2 = d + p;
            im1 = root;
            im2 = -root;
        }
    }
}
