using Control.Core.Numerics;

namespace Control.Planning.Lqr;

/// <summary>
/// The solution of an <see cref="LqrProblem"/>: gains K_t (m x n) and feedforward k_t (m) of u_t = K_t x_t + k_t for
/// t &lt; H (the gain convention of <see cref="Trajectory"/>), and the cost-to-go V_t(x) = 1/2 x'P_t x + p_t'x + s_t for t = 0..H.
/// </summary>
public sealed class LqrSolution
{
    private readonly double[] gains, feedforward, p, pLinear, pConstant;

    /// <summary>Zero buffers for n states, m controls and H steps.</summary>
    public LqrSolution(int stateSize, int controlSize, int horizon)
    {
        PlannerChecks.Horizon("LqrSolution", horizon);
        StateSize = stateSize;
        ControlSize = controlSize;
        Horizon = horizon;
        gains = new double[horizon * controlSize * stateSize];
        feedforward = new double[horizon * controlSize];
        p = new double[(horizon + 1) * stateSize * stateSize];
        pLinear = new double[(horizon + 1) * stateSize];
        pConstant = new double[horizon + 1];
    }

    /// <summary>n.</summary>
    public int StateSize { get; }

    /// <summary>m.</summary>
    public int ControlSize { get; }

    /// <summary>H.</summary>
    public int Horizon { get; }

    /// <summary>K_t (m x n), t &lt; H.</summary>
    public Span<double> K(int t) => Slice(gains, t, Horizon, ControlSize * StateSize);

    /// <summary>k_t (m), t &lt; H.</summary>
    public Span<double> Feedforward(int t) => Slice(feedforward, t, Horizon, ControlSize);

    /// <summary>P_t (n x n), t &lt;= H.</summary>
    public Span<double> P(int t) => Slice(p, t, Horizon + 1, StateSize * StateSize);

    /// <summary>p_t (n), t &lt;= H.</summary>
    public Span<double> ValueLinear(int t) => Slice(pLinear, t, Horizon + 1, StateSize);

    /// <summary>s_t, t &lt;= H.</summary>
    public ref double ValueConstant(int t) => ref Slice(pConstant, t, Horizon + 1, 1)[0];

    /// <summary>u = K_t x + k_t.</summary>
    public void Control(int t, ReadOnlySpan<double> x, Span<double> u)
    {
        if (x.Length != StateSize || u.Length != ControlSize)
            throw new ArgumentException($"LqrSolution: expected x of length {StateSize} and u of length {ControlSize}, got {x.Length} and {u.Length}.");
        Feedforward(t).CopyTo(u);
        DenseMatrix.Gemv(false, ControlSize, StateSize, 1, K(t), x, 1, u);
    }

    /// <summary>V_t(x) = 1/2 x'P_t x + p_t'x + s_t: the optimal cost from x at step t.</summary>
    public double Value(int t, ReadOnlySpan<double> x)
    {
        if (x.Length != StateSize) throw new ArgumentException($"LqrSolution: expected x of length {StateSize}, got {x.Length}.");
        ReadOnlySpan<double> pt = P(t), linear = ValueLinear(t);
        double value = ValueConstant(t);
        for (int i = 0; i < StateSize; i++)
        {
            double row = 0;
            for (int j = 0; j < StateSize; j++) row += pt[i * StateSize + j] * x[j];
            value += 0.5 * x[i] * row + linear[i] * x[i];
        }
        return value;
    }

    private static Span<double> Slice(double[] buffer, int t, int count, int size)
    {
        if ((uint)t >= (uint)count) throw new ArgumentOutOfRangeException(nameof(t), t, $"LqrSolution: expected a step in [0, {count - 1}].");
        return buffer.AsSpan(t * size, size);
    }
}
