// A sensor's values as a residual: r = sensordata[sensor] - target. Sensors need mj_forward (velocities,
// accelerations, touch), which runs at (x, u) on a per-thread mjData; the Jacobians are ResidualCost's central
// differences through the state space.
using Control.Core.Models;
using Control.Dynamics.Residuals;

namespace Control.Robots.MuJoCo.Residuals;

/// <summary>r = s(x, u) - target with s the named sensor's values; thread-safe.</summary>
public sealed class SensorResidual : IResidual
{
    private readonly PerThreadData data;
    private readonly int address;
    private readonly double[] target;

    /// <summary>Sensor <paramref name="sensor"/> of the model against <paramref name="target"/> (zeros when null).</summary>
    public SensorResidual(MuJoCoDynamics dynamics, string sensor, double[]? target = null)
    {
        ArgumentNullException.ThrowIfNull(dynamics);
        ArgumentNullException.ThrowIfNull(sensor);
        MuJoCoModel model = dynamics.Model;
        (address, Size) = model.Sensor(sensor);
        target ??= new double[Size];
        if (target.Length != Size || !target.All(double.IsFinite))
            throw new ArgumentException($"{model.Source}: sensor residual of '{sensor}': expected {Size} finite target entries (the sensor's dimension), got [{string.Join(", ", target)}]");
        this.target = (double[])target.Clone();
        StateSpace = dynamics.StateSpace;
        ControlSize = dynamics.ControlSize;
        data = new PerThreadData(model);
    }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public int StateSize => StateSpace.Size;

    /// <inheritdoc />
    public int ControlSize { get; }

    /// <inheritdoc />
    public IStateSpace StateSpace { get; }

    /// <inheritdoc />
    public void Evaluate(ReadOnlySpan<double> x, ReadOnlySpan<double> u, Span<double> r)
    {
        if (x.Length != StateSize || u.Length != ControlSize || r.Length != Size)
            throw new ArgumentException($"sensor residual: expected x, u, r of lengths ({StateSize}, {ControlSize}, {Size}), got ({x.Length}, {u.Length}, {r.Length})");
        MuJoCoData d = data.Current;
        d.SetState(x, u);
        ReadOnlySpan<double> values = d.SensorData.Slice(address, Size);
        for (int i = 0; i < Size; i++) r[i] = values[i] - target[i];
    }
}
