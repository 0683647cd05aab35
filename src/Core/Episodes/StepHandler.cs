namespace Control.Core.Episodes;

/// <summary>Called by <see cref="EpisodeRunner.Run"/> after every step (recording transitions, plotting, logging).</summary>
public delegate void StepHandler(in EpisodeStep step);
