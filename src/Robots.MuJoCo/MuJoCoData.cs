// One simulation state of a model (mjData): positions, velocities, controls, sensors and derived frames. Belongs
// to one thread at a time; its arrays are views into native memory that live as long as the data.
using System.Runtime.InteropServices;
using Control.Robots.MuJoCo.Interop;

namespace Control.Robots.MuJoCo;

/// <summary>A MuJoCo simulation state. Not thread-safe: one per thread.</summary>
public sealed unsafe class MuJoCoData : IDisposable
{
    private readonly DataHandle handle;
    private readonly double* qpos, qvel, act, ctrl, sensordata, siteXpos, siteXmat, xpos, xquat, qacc;

    internal MuJoCoData(MuJoCoModel model)
    {
        Model = model;
        IntPtr d = MuJoCoNative.MakeData(model.Pointer);
        if (d == IntPtr.Zero) throw new MuJoCoException("make data", $"{model.Source}: {MuJoCoNative.LastErrorText()}");
        handle = new DataHandle(d);
        qpos = MuJoCoNative.DataQpos(d);
        qvel = MuJoCoNative.DataQvel(d);
        act = MuJoCoNative.DataAct(d);
        ctrl = MuJoCoNative.DataCtrl(d);
        sensordata = MuJoCoNative.DataSensorData(d);
        siteXpos = MuJoCoNative.DataSitePositions(d);
        siteXmat = MuJoCoNative.DataSiteFrames(d);
        xpos = MuJoCoNative.DataBodyPositions(d);
        xquat = MuJoCoNative.DataBodyQuaternions(d);
        qacc = MuJoCoNative.DataQacc(d);
    }

    /// <summary>The model this state belongs to.</summary>
    public MuJoCoModel Model { get; }

    /// <summary>Size of the state vector x = [qpos, qvel, act].</summary>
    public int StateSize => Model.Nq + Model.Nv + Model.Na;

    /// <summary>Generalized positions (nq).</summary>
    public Span<double> Qpos => new(Live(qpos), Model.Nq);

    /// <summary>Generalized velocities (nv).</summary>
    public Span<double> Qvel => new(Live(qvel), Model.Nv);

    /// <summary>Actuator activations (na).</summary>
    public Span<double> Act => new(Live(act), Model.Na);

    /// <summary>Controls (nu).</summary>
    public Span<double> Ctrl => new(Live(ctrl), Model.Nu);

    /// <summary>Sensor values (after Forward or Step).</summary>
    public ReadOnlySpan<double> SensorData => new(Live(sensordata), Model.SensorDataSize);

    /// <summary>Site positions in the world frame, 3 per site (after Forward or Step).</summary>
    public ReadOnlySpan<double> SitePositions => new(Live(siteXpos), 3 * Model.SiteCount);

    /// <summary>Site orientations, a row-major 3 x 3 rotation per site (after Forward or Step).</summary>
    public ReadOnlySpan<double> SiteFrames => new(Live(siteXmat), 9 * Model.SiteCount);

    /// <summary>Body positions in the world frame, 3 per body.</summary>
    public ReadOnlySpan<double> BodyPositions => new(Live(xpos), 3 * Model.BodyCount);

    /// <summary>Body orientations as unit quaternions (w, x, y, z), 4 per body.</summary>
    public ReadOnlySpan<double> BodyQuaternions => new(Live(xquat), 4 * Model.BodyCount);

    /// <summary>Generalized accelerations of the last Forward or Step (nv).</summary>
    public ReadOnlySpan<double> Qacc => new(Live(qacc), Model.Nv);

    /// <summary>Simulated time (s).</summary>
    public double Time => MuJoCoNative.DataTime(Pointer);

    /// <summary>Active contacts after the last Forward or Step.</summary>
    public int ContactCount => MuJoCoNative.DataContactCount(Pointer);

    /// <summary>Warnings raised since they were last cleared (each Step clears them first).</summary>
    public MuJoCoWarnings Warnings => (MuJoCoWarnings)MuJoCoNative.DataWarnings(Pointer);

    internal IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle.DangerousGetHandle();
        }
    }

    /// <summary>Advances <paramref name="steps"/> mj_steps with the current controls; warnings are reported in <see cref="Warnings"/>.</summary>
    public void Step(int steps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        MuJoCoNative.ClearWarnings(Pointer);
        Check(MuJoCoNative.Step(Model.Pointer, Pointer, steps), "step");
    }

    /// <summary>mj_forward: positions, sensors, contacts and accelerations of the current state, no time step.</summary>
    public void Forward() => Check(MuJoCoNative.Forward(Model.Pointer, Pointer), "forward");

    /// <summary>mj_resetData: the model's reference state, zero velocity and controls.</summary>
    public void Reset() => Check(MuJoCoNative.ResetData(Model.Pointer, Pointer), "reset");

    /// <summary>Sets x = [qpos, qvel, act] and the controls (zero when empty), then mj_forward.</summary>
    public void SetState(ReadOnlySpan<double> x, ReadOnlySpan<double> u = default)
    {
        CheckLength("state", x.Length, StateSize);
        if (!u.IsEmpty) CheckLength("control", u.Length, Model.Nu);
        fixed (double* xs = x, us = u)
            Check(MuJoCoNative.SetStateForward(Model.Pointer, Pointer, xs, u.IsEmpty ? null : us), "forward");
    }

    /// <summary>Sets x = [qpos, qvel, act], then mj_kinematics only: body and site frames of x, cheaper than mj_forward (no sensors).</summary>
    public void SetStateKinematics(ReadOnlySpan<double> x)
    {
        CheckLength("state", x.Length, StateSize);
        fixed (double* xs = x) Check(MuJoCoNative.SetStateKinematics(Model.Pointer, Pointer, xs), "kinematics");
    }

    /// <summary>Copies x = [qpos, qvel, act] out.</summary>
    public void GetState(Span<double> x)
    {
        CheckLength("state", x.Length, StateSize);
        Qpos.CopyTo(x);
        Qvel.CopyTo(x[Model.Nq..]);
        Act.CopyTo(x[(Model.Nq + Model.Nv)..]);
    }

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();

    private double* Live(double* pointer)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        return pointer;
    }

    private void CheckLength(string what, int got, int expected)
    {
        if (got != expected) throw new ArgumentException($"{Model.Source}: expected a {what} of length {expected}, got {got}");
    }

    internal void Check(int status, string operation)
    {
        GC.KeepAlive(this);
        if (status != 0) throw new MuJoCoException(operation, $"{Model.Source}: {MuJoCoNative.LastErrorText()}");
    }

    private sealed class DataHandle : SafeHandle
    {
        public DataHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            MuJoCoNative.DeleteData(handle);
            return true;
        }
    }
}
