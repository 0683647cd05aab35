using System.Text.Json;
using Control.Core.Envs;
using Control.Deploy.Export.Onnx;
using Control.Deploy.Onnx;
using Control.Experiments.Progress;
using Control.Policies.Common;
using Control.Robots.MuJoCo;
using Spectre.Console;

namespace Control.Cli;

/// <summary>Where a command writes, and the conversions of its failures into messages and exit codes.</summary>
public sealed class CommandContext(TextWriter output, TextWriter error)
{
    /// <summary>Whether <see cref="Output"/> is the process's standard output on a terminal (not redirected to a file or a pipe).</summary>
    public bool IsTerminal { get; } = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;

    /// <summary>Draws live progress bars even when <see cref="Output"/> is not a terminal (tests of the bars).</summary>
    internal bool ForceProgress { get; init; }

    /// <summary>Standard output.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; } = error;

    /// <summary>A Spectre console over <see cref="Output"/> (colours only on a terminal; 160 columns when redirected); tests may give their own.</summary>
    public IAnsiConsole Console { get; init; } = CreateConsole(output);

    private static IAnsiConsole CreateConsole(TextWriter output)
    {
        bool terminal = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!terminal) console.Profile.Width = 160;
        return console;
    }

    /// <summary>
    /// Runs <paramref name="body"/> under live progress bars (<see cref="SpectreRunProgress"/>) when the output is a
    /// terminal and <paramref name="json"/> is false; otherwise passes null, so that logs, pipes and --json output get
    /// exactly the text they always got.
    /// </summary>
    public T WithProgress<T>(bool json, Func<IRunProgress?, T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (json || !(IsTerminal || ForceProgress)) return body(null);
        return Console.Progress().AutoClear(false).HideCompleted(false).Columns(SpectreRunProgress.Columns).Start(ctx => body(new SpectreRunProgress(ctx)));
    }

    /// <summary>Writes <paramref name="value"/> as one line of JSON.</summary>
    public void WriteJson(object value) => Output.WriteLine(JsonSerializer.Serialize(value, ControlCommand.Json));

    /// <summary>Runs <paramref name="body"/>, turning bad input into a one-line message and exit code 2.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is EnvException or ArgumentException or FormatException or InvalidDataException or IOException
            or CheckpointException or NoInferencePolicyException or OnnxContractException or OnnxFormatException or ExecutionProviderException)
        {
            Error.WriteLine($"control: {e.Message}");
            return 2;
        }
        catch (MuJoCoException e)
        {
            Error.WriteLine($"control: {e.Message}");
            return 2;
        }
        catch (MuJoCoNotInstalledException e)
        {
            Error.WriteLine($"control: {e.Message}");
            return 2;
        }
        catch (Control.Planning.PlanningException e)
        {
            Error.WriteLine($"control: planning failed: {e.Message}");
            return 1;
        }
    }
}
