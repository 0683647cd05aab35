// A compiled MuJoCo model (mjModel): immutable after loading and shared by every simulation of it; each thread
// simulates in its own MuJoCoData.
using System.Runtime.InteropServices;
using Control.Core.Envs;
using Control.Robots.MuJoCo.Interop;

namespace Control.Robots.MuJoCo;

/// <summary>Kinds of named objects in a model (MuJoCo's mjtObj values).</summary>
public enum MuJoCoObject
{
    /// <summary>A body.</summary>
    Body = 1,
    /// <summary>A joint.</summary>
    Joint = 3,
    /// <summary>A geom.</summary>
    Geom = 5,
    /// <summary>A site.</summary>
    Site = 6,
    /// <summary>An actuator.</summary>
    Actuator = 18,
    /// <summary>A sensor.</summary>
    Sensor = 19,
}

/// <summary>MuJoCo's joint types (mjtJoint).</summary>
public enum MuJoCoJointType
{
    /// <summary>Free joint: 7 qpos (position, unit quaternion), 6 dofs.</summary>
    Free = 0,
    /// <summary>Ball joint: 4 qpos (unit quaternion), 3 dofs.</summary>
    Ball = 1,
    /// <summary>Slide joint: 1 qpos, 1 dof.</summary>
    Slide = 2,
    /// <summary>Hinge joint: 1 qpos, 1 dof.</summary>
    Hinge = 3,
}

/// <summary>MuJoCo's integrators (mjtIntegrator).</summary>
public enum MuJoCoIntegrator
{
    /// <summary>Semi-implicit Euler.</summary>
    Euler = 0,
    /// <summary>Fourth-order Runge-Kutta.</summary>
    RungeKutta4 = 1,
    /// <summary>Implicit in velocity.</summary>
    Implicit = 2,
}

/// <summary>One joint of a model: its type and where its coordinates live in qpos and qvel.</summary>
public readonly record struct MuJoCoJoint(MuJoCoJointType Type, int QposAddress, int DofAddress);

/// <summary>A loaded MJCF model. Thread-safe for reading; dispose it after every data made from it.</summary>
public sealed unsafe class MuJoCoModel : IDisposable
{
    private const int ErrorSize = 2048;
    private readonly ModelHandle handle;

    private MuJoCoModel(ModelHandle handle, string source)
    {
        this.handle = handle;
        Source = source;
        IntPtr m = handle.DangerousGetHandle();
        int* sizes = stackalloc int[12];
        MuJoCoNative.ModelSizes(m, sizes);
        (Nq, Nv, Nu, Na) = (sizes[0], sizes[1], sizes[2], sizes[3]);
        (BodyCount, JointCount, GeomCount, SiteCount) = (sizes[4], sizes[5], sizes[6], sizes[7]);
        (SensorCount, SensorDataSize, MocapCount) = (sizes[8], sizes[9], sizes[10]);
        Integrator = (MuJoCoIntegrator)sizes[11];
        TimeStep = MuJoCoNative.ModelTimeStep(m);

        var range = new double[2 * Nu];
        fixed (double* r = range) MuJoCoNative.ModelControlRange(m, r);
        controlBounds = Nu == 0 ? null : new Box(Enumerable.Range(0, Nu).Select(i => range[2 * i]).ToArray(),
                                                 Enumerable.Range(0, Nu).Select(i => range[2 * i + 1]).ToArray());

        int[] types = new int[JointCount], qposAddress = new int[JointCount], dofAddress = new int[JointCount];
        fixed (int* t = types, q = qposAddress, d = dofAddress) MuJoCoNative.ModelJoints(m, t, q, d);
        Joints = Enumerable.Range(0, JointCount).Select(i => new MuJoCoJoint((MuJoCoJointType)types[i], qposAddress[i], dofAddress[i])).ToArray();

        sensorAddress = new int[SensorCount];
        sensorDimension = new int[SensorCount];
        fixed (int* a = sensorAddress, d = sensorDimension) MuJoCoNative.ModelSensors(m, a, d);

        qpos0 = new double[Nq];
        fixed (double* q = qpos0) MuJoCoNative.ModelQpos0(m, q);
        GC.KeepAlive(this);
    }

    private readonly Box? controlBounds;
    private readonly int[] sensorAddress;
    private readonly int[] sensorDimension;
    private readonly double[] qpos0;

    /// <summary>The file, or the name given to a model loaded from a string.</summary>
    public string Source { get; }

    /// <summary>Position coordinates (qpos).</summary>
    public int Nq { get; }

    /// <summary>Degrees of freedom (qvel).</summary>
    public int Nv { get; }

    /// <summary>Actuators (ctrl).</summary>
    public int Nu { get; }

    /// <summary>Actuator activations (act).</summary>
    public int Na { get; }

    /// <summary>Bodies, the world included.</summary>
    public int BodyCount { get; }

    /// <summary>Joints.</summary>
    public int JointCount { get; }

    /// <summary>Geoms.</summary>
    public int GeomCount { get; }

    /// <summary>Sites.</summary>
    public int SiteCount { get; }

    /// <summary>Sensors.</summary>
    public int SensorCount { get; }

    /// <summary>Scalars in sensordata.</summary>
    public int SensorDataSize { get; }

    /// <summary>Mocap bodies.</summary>
    public int MocapCount { get; }

    /// <summary>The integrator of mj_step.</summary>
    public MuJoCoIntegrator Integrator { get; }

    /// <summary>Seconds per mj_step (opt.timestep).</summary>
    public double TimeStep { get; }

    /// <summary>Control ranges of the actuators (infinite where an actuator is not ctrllimited); a model without actuators has none.</summary>
    public Box ControlBounds => controlBounds ?? throw new MuJoCoModelException(Source, "the model has no actuators, so no control bounds");

    /// <summary>The joints in model order.</summary>
    public IReadOnlyList<MuJoCoJoint> Joints { get; }

    /// <summary>True when a free or ball joint puts a quaternion in qpos (then nq &gt; nv).</summary>
    public bool HasQuaternions => Joints.Any(j => j.Type is MuJoCoJointType.Free or MuJoCoJointType.Ball);

    /// <summary>The reference configuration qpos0.</summary>
    public ReadOnlySpan<double> Qpos0 => qpos0;

    internal IntPtr Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(handle.IsClosed, this);
            return handle.DangerousGetHandle();
        }
    }

    /// <summary>Loads MJCF text; <paramref name="name"/> names it in errors. Malformed XML raises MuJoCo's message with the line.</summary>
    public static MuJoCoModel FromXml(string xml, string name = "model.xml")
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        MuJoCoLibrary.EnsureAvailable();
        byte* error = stackalloc byte[ErrorSize];
        error[0] = 0;
        IntPtr m = MuJoCoNative.LoadString(xml, Path.GetFileName(name), error, ErrorSize);
        return Wrap(m, name, error);
    }

    /// <summary>Loads an MJCF file (includes and meshes resolve relative to it).</summary>
    public static MuJoCoModel FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        MuJoCoLibrary.EnsureAvailable();
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new MuJoCoModelException(full, "no such file");
        byte* error = stackalloc byte[ErrorSize];
        error[0] = 0;
        IntPtr m = MuJoCoNative.LoadFile(full, error, ErrorSize);
        return Wrap(m, full, error);
    }

    private static MuJoCoModel Wrap(IntPtr m, string source, byte* error)
    {
        if (m == IntPtr.Zero)
        {
            string text = Marshal.PtrToStringUTF8((IntPtr)error) ?? "";
            throw new MuJoCoModelException(source, text.Length > 0 ? text.Trim() : "MuJoCo returned no model and no message");
        }
        return new MuJoCoModel(new ModelHandle(m), source);
    }

    /// <summary>The id of the named object, or -1.</summary>
    public int TryId(MuJoCoObject kind, string name) => MuJoCoNative.NameToId(Pointer, (int)kind, name);

    /// <summary>The id of the named object; a missing name is a <see cref="MuJoCoModelException"/>.</summary>
    public int Id(MuJoCoObject kind, string name)
    {
        int id = TryId(kind, name);
        if (id < 0) throw new MuJoCoModelException(Source, $"no {kind.ToString().ToLowerInvariant()} named '{name}'");
        return id;
    }

    /// <summary>Where the named sensor's values are in sensordata.</summary>
    public (int Address, int Dimension) Sensor(string name)
    {
        int id = Id(MuJoCoObject.Sensor, name);
        return (sensorAddress[id], sensorDimension[id]);
    }

    /// <summary>Mass of body <paramref name="body"/> (kg).</summary>
    public double BodyMass(int body)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(body);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(body, BodyCount);
        return MuJoCoNative.ModelBodyMass(Pointer, body);
    }

    /// <summary>A new simulation state of this model.</summary>
    public MuJoCoData CreateData() => new(this);

    /// <inheritdoc />
    public void Dispose() => handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{Source} (nq {Nq}, nv {Nv}, nu {Nu}, na {Na}, dt {TimeStep})";

    private sealed class ModelHandle : SafeHandle
    {
        public ModelHandle(IntPtr pointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(pointer);

        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            MuJoCoNative.DeleteModel(handle);
            return true;
        }
    }
}
