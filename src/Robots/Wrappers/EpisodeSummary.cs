namespace Control.Robots.Wrappers;

/// <summary>Return and length of one finished episode.</summary>
public readonly record struct EpisodeSummary(double Return, int Length, bool Terminated);
