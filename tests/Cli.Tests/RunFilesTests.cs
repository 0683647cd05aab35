// What the plot and report tests share: a fresh set of hand-written run directories per test (RunFilesFixture),
// deleted after it, and `control` run in-process on them.
namespace Control.Cli.Tests;

/// <summary>Base of the tests of commands that read run directories.</summary>
public abstract class RunFilesTests : IDisposable
{
    private protected RunFilesFixture Runs { get; } = new();

    /// <summary>Runs `control` with <paramref name="args"/> in-process: the exit code and what it wrote.</summary>
    protected static (int Code, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = ControlCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public void Dispose()
    {
        Runs.Dispose();
        GC.SuppressFinalize(this);
    }
}
