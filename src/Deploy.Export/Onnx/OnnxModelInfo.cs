using Control.Core.Envs;
using Control.Core.Episodes;

namespace Control.Deploy.Export.Onnx;

/// <summary>
/// What an exported policy's metadata records beside its graph (the keys of <see cref="Control.Deploy.Onnx.OnnxContract.Keys"/>).
/// The exporter checks it against the policy: the observation space's flat size must be the policy's observation size
/// (for a one-hot policy, a Discrete space of the network's input size).
/// </summary>
/// <param name="Env">The environment's registry name (non-empty).</param>
/// <param name="Algorithm">The training algorithm's registry name (non-empty).</param>
/// <param name="CheckpointSha256">SHA-256 of the checkpoint file as 64 lowercase hex digits, or empty for a policy that came from no checkpoint file.</param>
/// <param name="ObservationSpace">The observation space the policy reads (Box or Discrete); for a state policy, the state's box.</param>
/// <param name="Input">What the policy reads: the env's observation (default) or the robot's state.</param>
public sealed record OnnxModelInfo(string Env, string Algorithm, string CheckpointSha256, Space ObservationSpace, PolicyInput Input = PolicyInput.Observation);
