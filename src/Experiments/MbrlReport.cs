using Control.ModelBased;

namespace Control.Experiments;

/// <summary>The outcome of a model-based run.</summary>
/// <param name="Env">Env name.</param>
/// <param name="Method">Loop name.</param>
/// <param name="Seed">Seed of the run.</param>
/// <param name="EnvSteps">Real env steps used.</param>
/// <param name="Iterations">Each refit-and-run iteration.</param>
/// <param name="ReturnLearned">Mean evaluation return of the learned-model controller.</param>
/// <param name="ReturnTrueModel">Mean evaluation return of the same controller on the true model.</param>
/// <param name="ReturnRandom">Mean evaluation return of a random policy.</param>
/// <param name="WorstEpisodeReturn">The lowest return of every loop episode after the first model fit and of the learned-model controller's evaluation episodes.</param>
/// <param name="Fallbacks">Fallback steps of the learned-model controller (<see cref="WatchedMpc"/>) over the loop and the evaluation episodes.</param>
public sealed record MbrlReport(string Env, string Method, long Seed, int EnvSteps, IReadOnlyList<ModelBasedIteration> Iterations,
    double ReturnLearned, double ReturnTrueModel, double ReturnRandom, double WorstEpisodeReturn = double.NaN, int Fallbacks = 0)
{
    /// <summary>(learned - random) / (true - random): 1 when the learned model is as good as the truth.</summary>
    public double Score => (ReturnLearned - ReturnRandom) / (ReturnTrueModel - ReturnRandom);
}
