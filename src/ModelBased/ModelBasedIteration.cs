namespace Control.ModelBased;

/// <summary>One refit-and-run iteration.</summary>
/// <param name="EnvSteps">Real env steps used so far (after this iteration's run).</param>
/// <param name="HoldoutLoss">The model's loss on held-out transitions after the fit.</param>
/// <param name="MultiStepError">Mean squared open-loop prediction error over <see cref="ModelBasedConfig.MultiStepHorizon"/> steps on the data this iteration collected.</param>
/// <param name="EpisodeReturn">Return of the episode the controller ran (NaN if none finished).</param>
/// <param name="FitSeconds">Wall-clock time of the fit.</param>
/// <param name="FitTransitionsPerSecond">Training throughput of the fit (transitions x epochs per second).</param>
/// <param name="WorstEpisodeReturn">The lowest return of every controller episode so far (after the first fit; NaN if none finished).</param>
/// <param name="Fallbacks">Fallback steps of the controller in this iteration (<see cref="WatchedMpc.Fallbacks"/>; 0 for other controllers).</param>
public readonly record struct ModelBasedIteration(int EnvSteps, double HoldoutLoss, double MultiStepError, double EpisodeReturn,
    double FitSeconds, double FitTransitionsPerSecond, double WorstEpisodeReturn = double.NaN, int Fallbacks = 0);
