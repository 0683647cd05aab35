// Shared pieces of the LQR tests: seeded random systems and the SciPy reference (Reference/dare_reference.py under
// Debian's /usr/bin/python3; a missing interpreter or SciPy is a test failure, not a skip). The naive matrix
// arithmetic on double[,] is Core.Tests' NaiveMatrix, compiled into this project by a link.
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Control.Core;
using static Control.Core.Tests.Numerics.NaiveMatrix;

namespace Control.Planning.Tests.Lqr;

internal static class LqrTestData
{
    /// <summary>
    /// A random stabilizable, detectable system: A with spectral radius about 1.1 (some unstable modes), B random,
    /// and either Q = C'C of random rank with R = LL' + I/2, or a joint PSD weight [[Q, N], [N', R]] + diag(0, I/10).
    /// </summary>
    public static DareCase RandomDare(Rng rng, int n, int m, bool cross)
    {
        double[,] a = Normal(rng, n, n, 1.1 / Math.Sqrt(n));
        double[,] b = Normal(rng, n, m);
        if (cross)
        {
            double[,] g = Normal(rng, n + m, n + m);
            double[,] w = Multiply(g, Transpose(g));
            var q = new double[n, n];
            var r = new double[m, m];
            var nCross = new double[n, m];
            for (int i = 0; i < n + m; i++)
            {
                for (int j = 0; j < n + m; j++)
                {
                    if (i < n && j < n) q[i, j] = w[i, j];
                    else if (i >= n && j >= n) r[i - n, j - n] = w[i, j] + (i == j ? 0.1 : 0);
                    else if (i < n) nCross[i, j - n] = w[i, j];
                }
            }
            return new DareCase(a, b, q, r, nCross);
        }
        int rank = 1 + rng.NextInt(n);
        double[,] c = Normal(rng, rank, n);
        double[,] l = Normal(rng, m, m);
        double[,] rWeight = Add(Multiply(l, Transpose(l)), Scale(Identity(m), 0.5));
        return new DareCase(a, b, Multiply(Transpose(c), c), rWeight, null);
    }

    /// <summary>Solves M z = v by Gaussian elimination with partial pivoting (an independent dense solve).</summary>
    public static double[] Solve(double[,] matrix, double[] v)
    {
        int n = v.Length;
        var m = (double[,])matrix.Clone();
        var z = (double[])v.Clone();
        for (int j = 0; j < n; j++)
        {
            int pivot = j;
            for (int i = j + 1; i < n; i++)
            {
                if (Math.Abs(m[i, j]) > Math.Abs(m[pivot, j])) pivot = i;
            }
            for (int k = 0; k < n; k++) (m[j, k], m[pivot, k]) = (m[pivot, k], m[j, k]);
            (z[j], z[pivot]) = (z[pivot], z[j]);
            for (int i = j + 1; i < n; i++)
            {
                double f = m[i, j] / m[j, j];
                for (int k = j; k < n; k++) m[i, k] -= f * m[j, k];
                z[i] -= f * z[j];
            }
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double sum = z[i];
            for (int k = i + 1; k < n; k++) sum -= m[i, k] * z[k];
            z[i] = sum / m[i, i];
        }
        return z;
    }

    /// <summary>SciPy's P, K and closed-loop spectral radius for each case.</summary>
    public static (double[,] P, double[,] K, double Radius)[] Scipy(IReadOnlyList<DareCase> cases)
    {
        var request = new JsonObject
        {
            ["cases"] = new JsonArray(cases.Select(c => (JsonNode?)new JsonObject
            {
                ["a"] = Json(c.A),
                ["b"] = Json(c.B),
                ["q"] = Json(c.Q),
                ["r"] = Json(c.R),
                ["s"] = c.N is null ? null : Json(c.N),
            }).ToArray()),
        };
        string script = Path.Combine(AppContext.BaseDirectory, "Reference", "dare_reference.py");
        var start = new ProcessStartInfo("/usr/bin/python3", [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OMP_NUM_THREADS"] = "1";
        start.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start /usr/bin/python3");
        process.StandardInput.Write(request.ToJsonString());
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"SciPy reference failed (is python3-scipy installed? run ./test.sh): {error.Result}");
        return JsonDocument.Parse(output).RootElement.GetProperty("results").EnumerateArray()
            .Select(r => (Matrix(r.GetProperty("p")), Matrix(r.GetProperty("k")), r.GetProperty("radius").GetDouble()))
            .ToArray();
    }

    private static JsonArray Json(double[,] m)
    {
        var rows = new JsonNode?[m.GetLength(0)];
        for (int i = 0; i < rows.Length; i++)
        {
            var row = new JsonNode?[m.GetLength(1)];
            for (int j = 0; j < row.Length; j++) row[j] = JsonValue.Create(m[i, j]);
            rows[i] = new JsonArray(row);
        }
        return new JsonArray(rows);
    }

    private static double[,] Matrix(JsonElement e)
    {
        JsonElement[] rows = e.EnumerateArray().ToArray();
        int cols = rows[0].GetArrayLength();
        var m = new double[rows.Length, cols];
        for (int i = 0; i < rows.Length; i++)
        {
            int j = 0;
            foreach (JsonElement v in rows[i].EnumerateArray()) m[i, j++] = v.GetDouble();
        }
        return m;
    }
}
