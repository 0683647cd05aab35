// `control envs`: the registered environments with their spaces and horizons.
using System.CommandLine;
using Control.Core.Envs;
using Control.Robots;
using Control.Robots.MuJoCo;
using Spectre.Console;

namespace Control.Cli.Commands;

/// <summary>Lists the environments.</summary>
public static class EnvsCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("envs", "List the registered environments: spaces, horizon, what the task is.") { json };
        command.SetAction(parse => context.Guard(() =>
        {
            var rows = Envs.Specs.Select(Row).ToList();
            if (parse.GetValue(json))
            {
                context.WriteJson(new EnvList(rows));
                return 0;
            }
            var table = new Table().AddColumns("name", "observation", "action", "horizon", "model", "task");
            foreach (EnvRow r in rows)
            {
                table.AddRow(Markup.Escape(r.Name), Markup.Escape(r.ObservationSpace), Markup.Escape(r.ActionSpace),
                    r.Horizon.ToString(), r.Model ? "yes" : "no", Markup.Escape(r.Description));
            }
            context.Console.Write(table);
            return 0;
        }));
        return command;
    }

    // A MuJoCo env on a machine without MuJoCo is listed with what it needs instead of its spaces.
    private static EnvRow Row(EnvSpec spec)
    {
        try
        {
            IEnv env = spec.Create(0);
            return new EnvRow(spec.Name, env.ObservationSpace.Describe(), env.ActionSpace.Describe(), spec.Horizon, env is IModelEnv, spec.Description);
        }
        catch (MuJoCoNotInstalledException)
        {
            return new EnvRow(spec.Name, "needs libmujoco-dev", "needs libmujoco-dev", spec.Horizon, true, spec.Description);
        }
    }

    /// <summary>One registered env as `control envs --json` lists it.</summary>
    private sealed record EnvRow(string Name, string ObservationSpace, string ActionSpace, int Horizon, bool Model, string Description);

    private sealed record EnvList(IReadOnlyList<EnvRow> Envs);
}
