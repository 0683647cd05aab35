namespace Control.Experiments;

/// <summary>A model-based RL run on an analytic robot.</summary>
/// <param name="Env">Registered env name (an analytic robot with a model and continuous actions).</param>
/// <param name="Method">Loop: one of <see cref="MbrlRun.Methods"/>.</param>
/// <param name="Steps">Real env steps in total (random collection included).</param>
/// <param name="Seed">Seed of the whole run.</param>
/// <param name="SupportWeight">Weight of the data-support penalty of the MPC methods (<see cref="Control.ModelBased.SafeMpcConfig.SupportWeight"/>); null: its default.</param>
/// <param name="Watch">Whether the MPC methods watch reality and fall back (<see cref="Control.ModelBased.WatchedMpc"/>); null: the default (true).</param>
public sealed record MbrlRequest(string Env, string Method, int Steps, long Seed, double? SupportWeight = null, bool? Watch = null)
{
    /// <summary>
    /// Directory for mbrl.csv (a row per iteration, rewritten at every iteration boundary) and the checkpoint
    /// mbrl.ctl; null (the default) writes nothing.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>
    /// Save the checkpoint at every N-th iteration boundary (the boundary after the random collection is number 0)
    /// and always at the last one; 0 saves at the last boundary only. Default 1: every boundary.
    /// </summary>
    public int CheckpointEvery { get; init; } = 1;

    /// <summary>A checkpoint of this run (same env, method, steps, seed, support weight and watch) to continue; null (the default) starts afresh.</summary>
    public string? Resume { get; init; }
}
