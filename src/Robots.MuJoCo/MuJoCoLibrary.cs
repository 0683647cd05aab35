// Whether MuJoCo can be used here. The shim is loaded on first use; a missing libmujoco or shim becomes one
// MuJoCoNotInstalledException with the install command, raised by every MuJoCo entry point.
using System.Runtime.InteropServices;
using Control.Robots.MuJoCo.Interop;

namespace Control.Robots.MuJoCo;

/// <summary>The native MuJoCo library: availability and version.</summary>
public static class MuJoCoLibrary
{
    private static readonly Lazy<(int Version, MuJoCoNotInstalledException? Error)> State = new(Load);

    /// <summary>True when MuJoCo and our shim load.</summary>
    public static bool IsAvailable => State.Value.Error is null;

    /// <summary>MuJoCo's version as mj_version gives it (222 for 2.2.2); throws when MuJoCo is not installed.</summary>
    public static int Version
    {
        get
        {
            EnsureAvailable();
            return State.Value.Version;
        }
    }

    /// <summary>Throws <see cref="MuJoCoNotInstalledException"/> unless MuJoCo can be used.</summary>
    public static void EnsureAvailable()
    {
        if (State.Value.Error is { } error) throw error;
    }

    /// <summary>Why the shim at <paramref name="path"/> cannot be loaded, or null when it can (and MuJoCo with it).</summary>
    internal static MuJoCoNotInstalledException? Probe(string path)
    {
        if (!File.Exists(path)) return new MuJoCoNotInstalledException($"the shim {path} was not built: the MuJoCo headers were missing at build time");
        if (!NativeLibrary.TryLoad(path, out IntPtr handle))
            return new MuJoCoNotInstalledException($"{path} does not load: libmujoco.so.2.2.2 is missing or incompatible");
        NativeLibrary.Free(handle);
        return null;
    }

    private static (int, MuJoCoNotInstalledException?) Load()
    {
        // Beside the assembly (a build of this repository, the installed tool) or where an app that takes the NuGet package
        // gets the package's native asset (runtimes/linux-x64/native/).
        string file = $"lib{MuJoCoNative.Library}.so";
        string beside = Path.Combine(AppContext.BaseDirectory, file), asset = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", file);
        string shim = File.Exists(beside) || !File.Exists(asset) ? beside : asset;
        if (Probe(shim) is { } error) return (0, error);
        try
        {
            return (MuJoCoNative.Init(), null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (0, new MuJoCoNotInstalledException(e.Message));
        }
    }
}
