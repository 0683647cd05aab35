// A policy exported to ONNX under Control's contract (OnnxContract), run by ONNX Runtime. Loading checks the contract
// (metadata, spaces, input and outputs) and refuses any difference with a typed error naming the file; Act checks the
// observation (length, finite in float32, a Discrete observation in range) before anything runs, then runs a batch
// of one whose tensors were allocated at load, so the hot path allocates nothing.
using System.Globalization;
using Control.Core;
using Control.Core.Envs;
using Control.Core.Episodes;
using Microsoft.ML.OnnxRuntime;

namespace Control.Deploy.Onnx;

/// <summary>
/// An <see cref="IPolicy"/> over an ONNX file of Control's policy contract, run by ONNX Runtime. <see cref="Act"/> is
/// not thread-safe (it reuses one set of buffers); give each thread its own <see cref="OnnxBatch"/> or policy.
/// </summary>
public sealed class OnnxPolicy : IPolicy, IDisposable
{
    private const string CudaProviderName = "CUDAExecutionProvider";

    private readonly InferenceSession session;
    private readonly OnnxSignature signature;
    private readonly OnnxBatch single;
    private readonly List<OnnxBatch> batches = [];
    private readonly bool discreteAction;
    private bool disposed;

    private OnnxPolicy(InferenceSession session, OnnxSignature signature, string source)
    {
        this.session = session;
        this.signature = signature;
        ModelSource = source;
        discreteAction = signature.ActionSpace is Discrete;
        OutputNames = [.. signature.Outputs.Select(o => o.Name)];
        single = new OnnxBatch(this, session, signature, 1, [signature.Outputs.First(o => o.Name == OnnxContract.Action)]);
    }

    /// <summary>The file (or the name given to the bytes) the policy came from.</summary>
    public string ModelSource { get; }

    /// <summary>The observation space of the file's metadata.</summary>
    public Space ObservationSpace => signature.ObservationSpace;

    /// <summary>The action space of the file's metadata.</summary>
    public Space ActionSpace => signature.ActionSpace;

    /// <summary>Values per observation: the observation space's flat size.</summary>
    public int ObservationSize => signature.ObservationSpace.FlatSize;

    /// <summary>Values per action: the action space's flat size (1 for Discrete, the index).</summary>
    public int ActionSize => signature.ActionSpace.FlatSize;

    /// <summary>The file's metadata_props.</summary>
    public IReadOnlyDictionary<string, string> Metadata => signature.Metadata;

    /// <summary>The file's outputs in its order (always <c>action</c>, then the optional ones it has).</summary>
    public IReadOnlyList<string> OutputNames { get; }

    /// <summary>Whether the file fixes the batch dimension to 1 (an embedded-toolchain export).</summary>
    public bool StaticBatch => signature.StaticBatch;

    /// <summary>The environment the policy was trained on, or null when the metadata does not say.</summary>
    public string? Env => signature.Metadata.GetValueOrDefault(OnnxContract.Keys.Env);

    /// <summary>
    /// What the policy reads: the robot's state when the metadata says <see cref="OnnxContract.StateInput"/> (a
    /// model-based learner's policy), the env's observation otherwise.
    /// </summary>
    public PolicyInput Input => signature.Metadata.GetValueOrDefault(OnnxContract.Keys.PolicyInput) == OnnxContract.StateInput ? PolicyInput.State : PolicyInput.Observation;

    /// <summary>The training algorithm, or null when the metadata does not say.</summary>
    public string? Algorithm => signature.Metadata.GetValueOrDefault(OnnxContract.Keys.Algorithm);

    /// <summary>Loads and checks the ONNX policy file at <paramref name="path"/>.</summary>
    /// <exception cref="OnnxContractException">The file is missing, unreadable, not ONNX, or differs from the contract.</exception>
    /// <exception cref="ExecutionProviderException">The requested provider is not in this ONNX Runtime build.</exception>
    public static OnnxPolicy Load(string path, OnnxPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] model;
        try
        {
            model = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new OnnxContractException(path, "no such file: expected an ONNX policy file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OnnxContractException(path, $"cannot read the file: {e.Message}", e);
        }
        return Load(model, path, options);
    }

    /// <summary>Loads and checks an ONNX policy from the bytes of a file; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="OnnxContractException">The bytes are not ONNX, differ from the contract, or fail their content checksum (<see cref="ContentChecksum"/>) when they carry one.</exception>
    /// <exception cref="ExecutionProviderException">The requested provider is not in this ONNX Runtime build.</exception>
    public static OnnxPolicy Load(byte[] model, string source, OnnxPolicyOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        options ??= new OnnxPolicyOptions();
        if (options.IntraOpThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpThreads, "OnnxPolicyOptions.IntraOpThreads: expected at least 1.");

        // A sealed file's checksum is checked before ONNX Runtime parses it (it covers every byte before its entry).
        if (HasChecksumEntry(model) && ContentChecksum.Check(model) is string corrupt) throw new OnnxContractException(source, corrupt);
        using SessionOptions sessionOptions = CreateSessionOptions(options);
        InferenceSession session;
        try
        {
            session = new InferenceSession(model, sessionOptions);
        }
        catch (OnnxRuntimeException e)
        {
            throw new OnnxContractException(source, $"expected an ONNX model, ONNX Runtime cannot load it ({model.Length} bytes): {e.Message}", e);
        }
        try
        {
            OnnxSignature signature = OnnxSignature.Read(session, source);
            // A checksum key that is not in the trailing entry (the entry was cut or moved) is refused too.
            if (signature.Metadata.ContainsKey(OnnxContract.Keys.ContentSha256) && ContentChecksum.Check(model) is string problem)
                throw new OnnxContractException(source, problem);
            return new OnnxPolicy(session, signature, source);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the action for <paramref name="observation"/> into <paramref name="action"/> (a Discrete action as its
    /// index). Allocates nothing.
    /// </summary>
    /// <exception cref="PolicyInputException">
    /// An observation of the wrong length, with a value that is not finite in float32, or outside a Discrete
    /// observation space; an action buffer of the wrong length. Refused before the graph runs.
    /// </exception>
    public void Act(ReadOnlySpan<double> observation, Span<double> action)
    {
        ThrowIfDisposed();
        CheckInput(observation, action);
        Span<float> x = single.Observations;
        for (int i = 0; i < x.Length; i++) x[i] = (float)observation[i];
        single.Run();
        if (discreteAction)
        {
            action[0] = single.ActionIndices[0];
            return;
        }
        ReadOnlySpan<float> y = single.Output(OnnxContract.Action);
        for (int i = 0; i < y.Length; i++) action[i] = y[i];
    }

    /// <summary>Nothing to forget: the graph carries no state between steps.</summary>
    public void Reset() => ThrowIfDisposed();

    /// <summary>
    /// Buffers for runs of <paramref name="size"/> observations computing every output of the file. Dispose it when
    /// done; disposing the policy disposes the batches still open.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size below 1, or other than 1 for a static-batch file.</exception>
    public OnnxBatch CreateBatch(int size)
    {
        ThrowIfDisposed();
        if (size < 1) throw new ArgumentOutOfRangeException(nameof(size), size, "OnnxPolicy.CreateBatch: expected at least one row.");
        if (StaticBatch && size != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(size), size,
                $"OnnxPolicy.CreateBatch: {ModelSource} fixes the batch dimension to 1 (a static-batch export): expected size 1, got {size}.");
        }
        var batch = new OnnxBatch(this, session, signature, size, signature.Outputs);
        lock (batches) batches.Add(batch);
        return batch;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        // Batches hold IO bindings of the session: released before it.
        OnnxBatch[] open;
        lock (batches) open = [.. batches];
        foreach (OnnxBatch batch in open) batch.Dispose();
        single.Dispose();
        session.Dispose();
    }

    /// <summary>Graph runs of <see cref="Act"/> so far.</summary>
    internal long ActRuns => single.Runs;

    internal void Forget(OnnxBatch batch)
    {
        lock (batches) batches.Remove(batch);
    }

    // Whether the bytes end with what looks like the checksum entry (its key), so that a corrupt digest is named before parsing.
    private static bool HasChecksumEntry(byte[] model) =>
        model.Length >= ContentChecksum.EntryLength && model.AsSpan(model.Length - ContentChecksum.EntryLength).IndexOf("control.content_sha256"u8) >= 0;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(disposed, this);

    private void CheckInput(ReadOnlySpan<double> observation, Span<double> action)
    {
        if (observation.Length != ObservationSize)
            throw WrongLength("observation", ObservationSize, observation.Length, ObservationSpace);
        if (action.Length != ActionSize)
            throw WrongLength("action buffer", ActionSize, action.Length, ActionSpace);
        for (int i = 0; i < observation.Length; i++)
        {
            if (!float.IsFinite((float)observation[i])) throw NotFinite(i, observation[i]);
        }
        if (ObservationSpace is Discrete d && !d.Contains(observation)) throw OutOfRange(d, observation[0]);
    }

    private PolicyInputException WrongLength(string what, int expected, int got, Space space)
        => new($"{ModelSource}: expected an {what} of {expected} values ({space.Describe()}), got {got}.");

    private PolicyInputException NotFinite(int index, double value)
        => new($"{ModelSource}: expected finite observation values (in float32), got observation[{index}] = {value.ToString(CultureInfo.InvariantCulture)}.");

    private PolicyInputException OutOfRange(Discrete space, double value)
        => new($"{ModelSource}: expected an observation in {space.Describe()} (an integer in 0..{space.N - 1}), got {value.ToString(CultureInfo.InvariantCulture)}.");

    private static SessionOptions CreateSessionOptions(OnnxPolicyOptions options)
    {
        if (options.Provider == ExecutionProvider.Cuda && !OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName))
        {
            throw new ExecutionProviderException(ExecutionProvider.Cuda,
                "OnnxPolicy: the CUDA execution provider is not in this ONNX Runtime build (it offers "
                + string.Join(", ", OrtEnv.Instance().GetAvailableProviders())
                + "): reference the package Microsoft.ML.OnnxRuntime.Gpu 1.32.0 instead of Microsoft.ML.OnnxRuntime, and run on a machine with an NVIDIA GPU and CUDA 12.");
        }
        var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = options.IntraOpThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        if (options.Provider == ExecutionProvider.Cuda)
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
            }
            catch (OnnxRuntimeException e)
            {
                sessionOptions.Dispose();
                throw new ExecutionProviderException(ExecutionProvider.Cuda,
                    $"OnnxPolicy: the CUDA execution provider did not start on device 0 (expected an NVIDIA GPU with CUDA 12 and cuDNN 9): {e.Message}");
            }
        }
        return sessionOptions;
    }
}
