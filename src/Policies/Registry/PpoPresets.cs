// PPO's tuned settings per env, from the RL Zoo's hyperparameters (rl-baselines3-zoo, hyperparams/ppo.yml) where
// they exist; without a state-dependent exploration noise on the pendulum, a reward scale takes its place. The
// MuJoCo locomotion robots take the settings of the PPO paper's MuJoCo benchmark (Schulman et al. 2017, "Proximal
// Policy Optimization Algorithms", table 3: 2048 steps per update, Adam 3e-4, 10 epochs, minibatches of 64,
// gamma 0.99, lambda 0.95) with normalized observations.
using Control.Policies.OnPolicy;

namespace Control.Policies.Registry;

/// <summary>PPO presets for `control train`.</summary>
public static class PpoPresets
{
    /// <summary>The config for <paramref name="env"/>, its learning rate annealed over <paramref name="steps"/>.</summary>
    public static PpoConfig For(string env, long steps, PpoObjective objective)
    {
        PpoConfig config = env switch
        {
            "cartpole" => new PpoConfig
            {
                Envs = 8, StepsPerEnv = 32, Minibatches = 1, Epochs = 20, Gamma = 0.98, GaeLambda = 0.8, LearningRate = 1e-3,
            },
            "pendulum" => new PpoConfig
            {
                Envs = 4, StepsPerEnv = 1024, Minibatches = 64, Epochs = 10, Gamma = 0.9, GaeLambda = 0.95, LearningRate = 1e-3, RewardScale = 0.1,
            },
            "acrobot" => new PpoConfig
            {
                Envs = 8, StepsPerEnv = 128, Minibatches = 4, Epochs = 10, Gamma = 0.99, GaeLambda = 0.94, LearningRate = 1e-3, NormalizeObservations = true,
            },
            "mj-hopper" or "mj-cheetah" or "mj-swimmer" => new PpoConfig
            {
                Envs = 4, StepsPerEnv = 512, Minibatches = 32, Epochs = 10, Gamma = 0.99, GaeLambda = 0.95, LearningRate = 3e-4,
                NormalizeObservations = true,
            },
            _ => new PpoConfig(),
        };
        return config with { Objective = objective, AnnealSteps = steps };
    }
}
