// Entry point of the `control` command.
return Control.Cli.ControlCommand.Run(args, Console.Out, Console.Error);
