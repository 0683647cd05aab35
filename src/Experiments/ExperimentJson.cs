// The JSON form of the run reports: the records' properties in snake_case (TrainReport.EvalReturnStd ->
// "eval_return_std"), one object on one line. The command line prints every --json output with these options. A figure
// that is not a finite number (a model's multi-step error that overflowed, a worst return of an iteration without a
// finished episode) is written as the string "NaN", "Infinity" or "-Infinity", so that a long run's report is never
// lost to one such value at the end.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Control.Experiments;

/// <summary>JSON settings of the run reports.</summary>
public static class ExperimentJson
{
    /// <summary>snake_case property names, not indented, non-finite numbers as the strings "NaN", "Infinity", "-Infinity".</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };
}
