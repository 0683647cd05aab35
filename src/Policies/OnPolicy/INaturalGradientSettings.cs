using Control.Policies.Common;

namespace Control.Policies.OnPolicy;

/// <summary>The settings TRPO and NPG have in common: the rollout, the conjugate gradient, the critic, the networks.</summary>
internal interface INaturalGradientSettings
{
    int Envs { get; }
    int StepsPerEnv { get; }
    double Gamma { get; }
    double GaeLambda { get; }
    double MaxKl { get; }
    int CgIterations { get; }
    double CgResidualTolerance { get; }
    double CgDamping { get; }
    double CriticLearningRate { get; }
    int CriticEpochs { get; }
    int CriticBatchSize { get; }
    bool NormalizeObservations { get; }
    double InitialLogStd { get; }
    NetworkConfig PolicyNetwork { get; }
    NetworkConfig CriticNetwork { get; }
}
