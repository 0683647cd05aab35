// --mujoco-task FILE: registers a user MuJoCo task (examples/mujoco/README.md) before a run, so that --env can name it.
using System.CommandLine;
using Control.Robots.MuJoCo;

namespace Control.Cli.Commands;

/// <summary>The --mujoco-task option of plan, train, mbrl and rollout.</summary>
public static class MuJoCoTaskOption
{
    /// <summary>A new --mujoco-task option.</summary>
    public static Option<string?> Create() => new("--mujoco-task")
    {
        Description = "A user MuJoCo task file (YAML, see examples/mujoco/README.md) to register first; then --env names it.",
    };

    /// <summary>Registers the task file given to <paramref name="option"/>, if any (a bad file raises MuJoCoTaskFileException).</summary>
    public static void Apply(ParseResult parse, Option<string?> option)
    {
        if (parse.GetValue(option) is { } file) MuJoCoEnvs.RegisterUserTask(file);
    }
}
