// The IO contract of a policy Control exports to ONNX, written once for the exporter, the importer and the runtime.
//
//   input   observation   float32 [batch, obs_dim]   raw observations (normalization is inside the graph); batch is
//                                                    the symbolic dimension "batch", or 1 in a static-batch export
//   output  action        float32 [batch, act_dim]   the action to apply, already scaled and clipped to the Box bounds
//                         int64   [batch]            the action index of a Discrete action space
//   output  action_mean   float32 [batch, act_dim]   Gaussian heads: the mean before any squash (sampling: mean + exp(log_std) * noise,
//                                                    then the squash scale * tanh(.) + bias of a tanh head, then the bounds)
//   output  log_std       float32 [batch or 1, act_dim]  Gaussian heads that can sample: per state, or one row for all states
//   output  logits        float32 [batch, n]         categorical policies: the unnormalized log-probabilities
//   output  q_values      float32 [batch, n]         Q-network policies: the action values argmax is taken over
//
// metadata_props (all strings) under the keys below; spaces as JSON (see SpaceJson).
namespace Control.Deploy.Onnx;

/// <summary>Names and metadata keys of the ONNX policy contract (version <see cref="Version"/>).</summary>
public static class OnnxContract
{
    /// <summary>The contract version this build writes and reads.</summary>
    public const int Version = 1;

    /// <summary>The one input: raw observations, float32 [batch, obs_dim].</summary>
    public const string Observation = "observation";

    /// <summary>The action to apply: float32 [batch, act_dim], or int64 [batch] for a Discrete action space.</summary>
    public const string Action = "action";

    /// <summary>A Gaussian head's mean before any squash, float32 [batch, act_dim].</summary>
    public const string ActionMean = "action_mean";

    /// <summary>A Gaussian head's log standard deviation, float32 [batch, act_dim] or [1, act_dim].</summary>
    public const string LogStd = "log_std";

    /// <summary>A categorical policy's logits, float32 [batch, n].</summary>
    public const string Logits = "logits";

    /// <summary>A Q-network's action values, float32 [batch, n].</summary>
    public const string QValues = "q_values";

    /// <summary>The value of <see cref="Keys.PolicyInput"/> for a state-feedback policy.</summary>
    public const string StateInput = "state";

    /// <summary>The symbolic name of the dynamic batch dimension.</summary>
    public const string BatchDimension = "batch";

    /// <summary>Default opset of an export.</summary>
    public const int DefaultOpset = 17;

    /// <summary>Lowest opset an export may target (embedded toolchains).</summary>
    public const int MinimumOpset = 13;

    /// <summary>metadata_props keys.</summary>
    public static class Keys
    {
        /// <summary>The contract version, an integer.</summary>
        public const string ContractVersion = "control.contract_version";

        /// <summary>The environment the policy was trained on (its registry name).</summary>
        public const string Env = "control.env";

        /// <summary>The observation space as JSON (<see cref="SpaceJson"/>).</summary>
        public const string ObservationSpace = "control.observation_space";

        /// <summary>The action space as JSON (<see cref="SpaceJson"/>).</summary>
        public const string ActionSpace = "control.action_space";

        /// <summary>The training algorithm's registry name.</summary>
        public const string Algorithm = "control.algorithm";

        /// <summary>SHA-256 (lowercase hex) of the checkpoint file the policy came from.</summary>
        public const string CheckpointSha256 = "control.checkpoint_sha256";

        /// <summary>The version of Control that wrote the file.</summary>
        public const string ControlVersion = "control.version";

        /// <summary>The action head: argmax, gaussian_mean, tanh_squash, deterministic or binned.</summary>
        public const string ActionHead = "control.action_head";

        /// <summary>
        /// "state" when the policy reads the robot's state rather than the env's observation (the model-based learners:
        /// SVG(1), SVG(inf)); absent for observation policies. The observation space then describes the state.
        /// </summary>
        public const string PolicyInput = "control.policy_input";

        /// <summary>
        /// The normalizer's epsilon (round-trip decimal), when the policy has a normalizer: the graph holds only the float
        /// std = sqrt(variance + epsilon), and an importer recovers the variance as std^2 - epsilon.
        /// </summary>
        public const string NormalizerEpsilon = "control.normalizer_epsilon";

        /// <summary>
        /// SHA-256 (lowercase hex) of the file's bytes before this entry, which is always the last metadata entry and so
        /// the file's last 92 bytes (protobuf writes fields in field-number order, metadata_props last): a bit flipped in
        /// a weight leaves a valid model, and only the checksum tells it from the exported file. See <see cref="ContentChecksum"/>.
        /// </summary>
        public const string ContentSha256 = "control.content_sha256";
    }
}
