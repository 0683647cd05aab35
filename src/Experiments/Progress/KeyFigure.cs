namespace Control.Experiments.Progress;

/// <summary>One figure shown beside a progress bar, e.g. ("return", -150.2, "F1").</summary>
/// <param name="Name">What the figure is, with its unit when it has one ("steps/s").</param>
/// <param name="Value">Its current value (NaN when not known yet; shown as "-").</param>
/// <param name="Format">.NET numeric format of the value; default "G4".</param>
public readonly record struct KeyFigure(string Name, double Value, string Format = "G4");
