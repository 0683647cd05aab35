// The MuJoCo robots in the env registry. Each task's model is loaded once, on first use, and shared by every
// env made from it (an mjModel is read-only during simulation); each env owns its mjData. Registering needs
// no native library: making an env without MuJoCo raises MuJoCoNotInstalledException with the install command.
using System.Collections.Concurrent;
using System.Reflection;
using Control.Core.Envs;
using Control.Robots.MuJoCo.Tasks;

namespace Control.Robots.MuJoCo;

/// <summary>A registered MuJoCo task: its env name, time limit, model and how to make the task on it.</summary>
/// <param name="Name">Env name (mj-...).</param>
/// <param name="Horizon">Steps per episode.</param>
/// <param name="Description">One line for listings.</param>
/// <param name="ModelResource">File name of the embedded MJCF model under Models/.</param>
/// <param name="Create">Makes the task on the loaded model.</param>
public sealed record MuJoCoTaskSpec(string Name, int Horizon, string Description, string ModelResource, Func<MuJoCoModel, MuJoCoTask> Create);

/// <summary>The built-in MuJoCo robots and the way to add them to <see cref="Envs"/>.</summary>
public static class MuJoCoEnvs
{
    private static readonly ConcurrentDictionary<string, Lazy<MuJoCoTask>> Tasks = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> UserFiles = new(StringComparer.Ordinal);
    private static readonly object Gate = new();
    private static bool registered;

    /// <summary>The built-in tasks.</summary>
    public static IReadOnlyList<MuJoCoTaskSpec> BuiltIn { get; } =
    [
        new("mj-cartpole-swingup", 200, "MuJoCo cart-pole: swing the hanging pole up and balance it (as cartpole-swingup)",
            "cartpole-swingup.xml", m => new CartPoleSwingUpTask(m)),
        new("mj-acrobot-swingup", 400, "MuJoCo acrobot: swing it straight up with the elbow torque (as acrobot-swingup)",
            "acrobot-swingup.xml", m => new AcrobotSwingUpTask(m)),
        new("mj-reacher", 100, "MuJoCo two-link arm: move the fingertip to a random target", "reacher.xml", m => new ReacherTask(m)),
        new("mj-swimmer", 1000, "MuJoCo three-link swimmer in a viscous fluid: swim towards +x", "swimmer.xml", m => new SwimmerTask(m)),
        new("mj-hopper", 1000, "MuJoCo one-legged hopper: hop forwards without falling", "hopper.xml", m => new HopperTask(m)),
        new("mj-cheetah", 1000, "MuJoCo planar cheetah: run forwards", "cheetah.xml", m => new CheetahTask(m)),
        new("mj-quadrotor", 250, "MuJoCo quadrotor (free body, quaternion state): fly to (0, 0, 1) and hover",
            "quadrotor.xml", m => new QuadrotorTask(m)),
    ];

    /// <summary>Adds the built-in MuJoCo envs to <see cref="Envs"/> (idempotent).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (registered) return;
            foreach (MuJoCoTaskSpec spec in BuiltIn) Register(spec);
            registered = true;
        }
    }

    /// <summary>Adds one MuJoCo task to <see cref="Envs"/>.</summary>
    public static void Register(MuJoCoTaskSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Register(spec.Name, spec.Horizon, spec.Description, new Lazy<MuJoCoTask>(() => spec.Create(LoadEmbedded(spec.ModelResource))));
    }

    /// <summary>
    /// Reads the user task file <paramref name="taskFile"/> (YAML, format in examples/mujoco/README.md), loads its model and
    /// adds the env to <see cref="Envs"/> under the file's name, which it returns. Registering the same file again
    /// returns the name; another file with a registered name is an error.
    /// </summary>
    /// <exception cref="MuJoCoTaskFileException">The file, a field, the model or a name in it is bad; the message names the file and the field.</exception>
    public static string RegisterUserTask(string taskFile)
    {
        Register();
        UserTaskFile spec = UserTaskFile.Load(taskFile);
        lock (Gate)
        {
            if (UserFiles.TryGetValue(spec.Name, out string? registered))
            {
                if (registered == spec.File) return spec.Name;
                throw new MuJoCoTaskFileException(spec.File, "name", 0, $"'{spec.Name}' is already registered by {registered}");
            }
            if (Envs.Names.Contains(spec.Name))
                throw new MuJoCoTaskFileException(spec.File, "name", 0, $"'{spec.Name}' is already the name of a registered env; choose another");
            MuJoCoTask task = LoadUserTask(spec);
            Register(spec.Name, spec.Horizon, spec.Description ?? $"user task from {Path.GetFileName(spec.File)}", new Lazy<MuJoCoTask>(task));
            UserFiles[spec.Name] = spec.File;
            return spec.Name;
        }
    }

    /// <summary>Registers <paramref name="taskFile"/> (see <see cref="RegisterUserTask"/>) and makes its env inside its TimeLimit.</summary>
    public static IEnv MakeUser(string taskFile, long seed = 0) => Envs.Make(RegisterUserTask(taskFile), seed);

    private static void Register(string name, int horizon, string description, Lazy<MuJoCoTask> task)
    {
        if (!Tasks.TryAdd(name, task)) throw new ArgumentException($"{name}: already registered", nameof(name));
        string listed = MuJoCoLibrary.IsAvailable ? description : $"{description} (needs libmujoco-dev)";
        Envs.Register(new EnvSpec(name, horizon, listed, seed => Make(name, task.Value, seed)));
    }

    private static UserTask LoadUserTask(UserTaskFile spec)
    {
        if (!File.Exists(spec.Model)) throw new MuJoCoTaskFileException(spec.File, "model", spec.ModelLine, $"no such model file {spec.Model}");
        MuJoCoModel model;
        try
        {
            model = MuJoCoModel.FromFile(spec.Model);
        }
        catch (MuJoCoModelException e)
        {
            throw new MuJoCoTaskFileException(spec.File, "model", spec.ModelLine, e.Message, e);
        }
        try
        {
            return new UserTask(spec, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Whether env <paramref name="name"/> is a registered MuJoCo env (built-in or a user task).</summary>
    public static bool IsMuJoCo(string name) => name is not null && Tasks.ContainsKey(name);

    /// <summary>The task behind env <paramref name="name"/> (loads its model on first use).</summary>
    public static MuJoCoTask Task(string name)
    {
        Register();
        if (!Tasks.TryGetValue(name, out Lazy<MuJoCoTask>? task))
            throw new ArgumentException($"{name}: no such MuJoCo env; expected one of {string.Join(", ", Tasks.Keys.Order())}");
        return task.Value;
    }

    /// <summary>The text of embedded model <paramref name="fileName"/> (e.g. "hopper.xml").</summary>
    public static string EmbeddedModel(string fileName)
    {
        Assembly assembly = typeof(MuJoCoEnvs).Assembly;
        using Stream stream = assembly.GetManifestResourceStream($"Control.Robots.MuJoCo.Models.{fileName}")
            ?? throw new ArgumentException($"no embedded MuJoCo model named '{fileName}'");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static MuJoCoModel LoadEmbedded(string fileName) => MuJoCoModel.FromXml(EmbeddedModel(fileName), fileName);

    private static MuJoCoEnv Make(string name, MuJoCoTask task, long seed)
        => task.HasGoal ? new MuJoCoGoalEnv(name, task, seed) : new MuJoCoEnv(name, task, seed);
}
