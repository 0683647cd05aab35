namespace Control.Policies.OffPolicy;

/// <summary>
/// The collection-and-update schedule of the continuous actor-critics (SAC, TD3, DDPG): an iteration's env steps in
/// rounds of TrainFrequency vector-env steps, each round followed by GradientSteps gradient steps once more than
/// LearningStarts env steps are in replay (the update-to-data ratio GradientSteps / (TrainFrequency x Envs)).
/// </summary>
internal static class TrainingRounds
{
    /// <summary>Runs one iteration's rounds; <paramref name="gradientStep"/> is one gradient step. Returns the gradient steps run.</summary>
    public static int Run(OffPolicyCollector collector, int iterationSteps, int trainFrequency, int gradientSteps, long learningStarts, Action gradientStep)
    {
        int steps = 0;
        for (int round = 0; round < iterationSteps / trainFrequency; round++)
        {
            collector.Collect(trainFrequency);
            if (collector.EnvSteps <= learningStarts) continue;
            for (int g = 0; g < gradientSteps; g++)
            {
                gradientStep();
                steps++;
            }
        }
        return steps;
    }
}
