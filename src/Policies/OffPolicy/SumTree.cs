// Proportional prioritized experience replay (Schaul et al. 2016, "Prioritized Experience Replay", with
// Double DQN): transition i is drawn with probability P(i) = p_i^alpha / sum_k p_k^alpha, where
// p_i = |delta_i| + epsilon is its last TD error, and its loss is weighted by w_i = (N P(i))^-beta / max_k w_k
// to undo the bias of the non-uniform draw (beta annealed towards 1 over training). A sum-tree finds the
// transition at a prefix sum in O(log N); new transitions get the largest priority seen so far, so that each
// is replayed at least once soon after it arrives.
namespace Control.Policies.OffPolicy;

/// <summary>
/// A binary tree over <see cref="Capacity"/> non-negative leaf values whose inner nodes hold the sum (and the
/// minimum) of their children: set a leaf, read the total, and find the leaf where a prefix sum falls, all in
/// O(log Capacity).
/// </summary>
public sealed class SumTree
{
    private readonly int leaves;
    private readonly double[] sums;
    private readonly double[] minima;

    /// <summary>A tree of <paramref name="capacity"/> leaves, all zero.</summary>
    public SumTree(int capacity)
    {
        if (capacity <= 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "SumTree: expected a positive capacity");
        Capacity = capacity;
        leaves = 1;
        while (leaves < capacity) leaves *= 2;
        sums = new double[2 * leaves];
        minima = new double[2 * leaves];
        Array.Fill(minima, double.PositiveInfinity);
    }

    /// <summary>Number of leaves.</summary>
    public int Capacity { get; }

    /// <summary>Sum of all leaves.</summary>
    public double Total => sums[1];

    /// <summary>Smallest leaf that was ever set (+infinity before the first).</summary>
    public double Minimum => minima[1];

    /// <summary>Leaf <paramref name="index"/>'s value.</summary>
    public double this[int index] => sums[leaves + CheckIndex(index)];

    /// <summary>Sets leaf <paramref name="index"/> to <paramref name="value"/> and updates its ancestors.</summary>
    public void Set(int index, double value)
    {
        if (!(value >= 0) || double.IsPositiveInfinity(value))
            throw new ArgumentOutOfRangeException(nameof(value), value, "SumTree: expected a finite non-negative value");
        int node = leaves + CheckIndex(index);
        sums[node] = value;
        minima[node] = value;
        for (node /= 2; node >= 1; node /= 2)
        {
            sums[node] = sums[2 * node] + sums[2 * node + 1];
            minima[node] = Math.Min(minima[2 * node], minima[2 * node + 1]);
        }
    }

    /// <summary>
    /// The leaf i with leaf[0] + ... + leaf[i - 1] &lt;= <paramref name="prefix"/> &lt; leaf[0] + ... + leaf[i], for
    /// a prefix in [0, Total); rounding at the top end gives the last leaf with a positive value.
    /// </summary>
    public int Find(double prefix)
    {
        if (!(Total > 0)) throw new InvalidOperationException("SumTree: cannot search a tree whose leaves are all zero.");
        int node = 1;
        while (node < leaves)
        {
            int left = 2 * node;
            if (prefix < sums[left] || sums[left + 1] <= 0)
            {
                node = left;
            }
            else
            {
                prefix -= sums[left];
                node = left + 1;
            }
        }
        return node - leaves;
    }

    /// <summary>Writes the leaves (+infinity for a leaf never set, so that reading restores the minimum too).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Capacity);
        for (int i = 0; i < Capacity; i++) writer.Write(minima[leaves + i]);
    }

    /// <summary>Restores leaves written by <see cref="Write"/> (into a tree of the same capacity).</summary>
    public void Read(BinaryReader reader)
    {
        int capacity = reader.ReadInt32();
        if (capacity != Capacity) throw new InvalidDataException($"SumTree: expected {Capacity} leaves, got {capacity}.");
        for (int i = 0; i < Capacity; i++)
        {
            double value = reader.ReadDouble();
            sums[leaves + i] = double.IsPositiveInfinity(value) ? 0 : value;
            minima[leaves + i] = value;
        }
        for (int node = leaves - 1; node >= 1; node--)
        {
            sums[node] = sums[2 * node] + sums[2 * node + 1];
            minima[node] = Math.Min(minima[2 * node], minima[2 * node + 1]);
        }
    }

    private int CheckIndex(int index) => (uint)index < (uint)Capacity
        ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"SumTree: expected a leaf in [0, {Capacity - 1}]");
}
