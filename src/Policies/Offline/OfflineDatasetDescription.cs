namespace Control.Policies.Offline;

/// <summary>What a checkpoint records about the dataset an offline run learned from (section <see cref="OfflineDataset.Section"/>).</summary>
/// <param name="Source">The file it was read from.</param>
/// <param name="Rows">Number of transitions.</param>
/// <param name="Fingerprint">SHA-256 of the values (<see cref="OfflineDataset.Fingerprint"/>): a resumed run must learn from the same rows.</param>
public sealed record OfflineDatasetDescription(string Source, int Rows, string Fingerprint);
