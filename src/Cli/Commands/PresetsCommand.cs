// `control presets`: an algorithm's tuned config for an env as a hyperparameter file, to keep, edit and give back to
// `control train --config`.
using System.CommandLine;
using Control.Experiments.Hyperparameters;
using Control.Robots;

namespace Control.Cli.Commands;

/// <summary>Prints presets as YAML.</summary>
public static class PresetsCommand
{
    /// <summary>Builds the subcommand.</summary>
    public static Command Create(CommandContext context)
    {
        var algo = new Option<string>("--algo") { Description = $"Algorithm ({string.Join(", ", AlgorithmPresets.Names)}).", Required = true };
        var env = new Option<string>("--env") { Description = "Environment name (see `control envs`).", Required = true };
        var steps = new Option<long>("--steps") { Description = "Env step budget that annealed schedules are set for (as `control train --steps`).", DefaultValueFactory = _ => 100_000 };
        Option<string?> task = MuJoCoTaskOption.Create();
        var command = new Command("presets", "Print an algorithm's preset for an env as YAML (`control train --config F.yml` reads it back).") { algo, env, steps, task };
        command.SetAction(parse => context.Guard(() =>
        {
            MuJoCoTaskOption.Apply(parse, task);
            string algorithm = parse.GetValue(algo)!, name = parse.GetValue(env)!;
            long budget = parse.GetValue(steps);
            Envs.Spec(name);
            object config = AlgorithmPresets.For(algorithm, name, budget);
            context.Output.Write(HyperparameterFile.Write(algorithm, name, config,
                $"{algorithm} on {name}: `control presets --algo {algorithm} --env {name} --steps {budget}`.\n"
                + $"Train with it: control train --config FILE [--set key=value ...]. A config key left out takes {config.GetType().Name}'s documented default."));
            return 0;
        }));
        return command;
    }
}
