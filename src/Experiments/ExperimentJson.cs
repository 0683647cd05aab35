// The JSON form of the run reports: the records' properties in snake_case (TrainReport.EvalReturnStd ->
// "eval_return_std"), one object on one line. The command line prints every --json output with these options.
using System.Text.Json;

namespace Control.Experiments;

/// <summary>JSON settings of the run reports.</summary>
public static class ExperimentJson
{
    /// <summary>snake_case property names, not indented.</summary>
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
