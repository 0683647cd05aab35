// `control envs`: the registered environments with their spaces and horizons.
using System.CommandLine;
using Control.Core.Envs;
using Control.Robots;
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
            var rows = Envs.Specs.Select(spec =>
            {
                IEnv env = spec.Create(0);
                return new
                {
                    name = spec.Name,
                    observation_space = env.ObservationSpace.Describe(),
                    action_space = env.ActionSpace.Describe(),
                    horizon = spec.Horizon,
                    model = env is IModelEnv,
                    description = spec.Description,
                };
            }).ToList();
            if (parse.GetValue(json))
            {
                context.WriteJson(new { envs = rows });
                return 0;
            }
            var table = new Table().AddColumns("name", "observation", "action", "horizon", "model", "task");
            foreach (var r in rows)
            {
                table.AddRow(Markup.Escape(r.name), Markup.Escape(r.observation_space), Markup.Escape(r.action_space),
                    r.horizon.ToString(), r.model ? "yes" : "no", Markup.Escape(r.description));
            }
            context.Console.Write(table);
            return 0;
        }));
        return command;
    }
}
