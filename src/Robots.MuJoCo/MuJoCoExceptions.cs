// Typed errors of the MuJoCo layer: the library is missing, MuJoCo reported an error (mju_error, caught by the
// shim's guard instead of ending the process), a model did not load, or a simulation diverged.
namespace Control.Robots.MuJoCo;

/// <summary>The native MuJoCo library or our shim over it cannot be loaded on this machine.</summary>
public sealed class MuJoCoNotInstalledException(string detail)
    : Exception($"MuJoCo is not installed: apt-get install libmujoco-dev, then rebuild Control so that its MuJoCo shim is compiled ({detail})");

/// <summary>An error MuJoCo raised during <see cref="Operation"/>; the process and the other simulations go on.</summary>
public class MuJoCoException(string operation, string message) : Exception($"MuJoCo {operation}: {message}")
{
    /// <summary>What was being done (load, step, forward, transitionFD...).</summary>
    public string Operation { get; } = operation;
}

/// <summary>An MJCF model that did not load: missing file, malformed XML, a bad attribute (MuJoCo's message names the line).</summary>
public sealed class MuJoCoModelException(string source, string message) : MuJoCoException("load", $"{source}: {message}")
{
    /// <summary>The file, or the name given to a model loaded from a string.</summary>
    public string ModelSource { get; } = source;
}

/// <summary>
/// A step produced NaN, Inf or huge accelerations or positions (MuJoCo's bad-qacc/qpos/qvel warnings): the
/// simulation is unstable from this state and control. MuJoCo resets its data; the caller decides (an env
/// truncates the episode).
/// </summary>
public sealed class SimulationDivergedException(string model, MuJoCoWarnings warnings, string warningText, double[] state, double[] control)
    : MuJoCoException("step", $"{model}: the simulation diverged ({warnings}: {warningText})")
{
    /// <summary>The warnings raised by the step.</summary>
    public MuJoCoWarnings Warnings { get; } = warnings;

    /// <summary>The state the step started from.</summary>
    public IReadOnlyList<double> State { get; } = state;

    /// <summary>The control applied.</summary>
    public IReadOnlyList<double> Control { get; } = control;
}

/// <summary>MuJoCo's warning kinds (mjtWarning) as flags.</summary>
[Flags]
public enum MuJoCoWarnings
{
    /// <summary>No warning.</summary>
    None = 0,
    /// <summary>(Near) singular inertia matrix.</summary>
    Inertia = 1 << 0,
    /// <summary>Too many contacts for the contact list.</summary>
    ContactFull = 1 << 1,
    /// <summary>Too many constraints.</summary>
    ConstraintFull = 1 << 2,
    /// <summary>Too many visual geoms.</summary>
    VisualGeomFull = 1 << 3,
    /// <summary>NaN, Inf or huge value in qpos.</summary>
    BadQpos = 1 << 4,
    /// <summary>NaN, Inf or huge value in qvel.</summary>
    BadQvel = 1 << 5,
    /// <summary>NaN, Inf or huge value in qacc: unstable.</summary>
    BadQacc = 1 << 6,
    /// <summary>NaN, Inf or huge value in ctrl.</summary>
    BadCtrl = 1 << 7,
}
