// The last stage before an action reaches the robot. For a Box action space, in this order:
//   1. an action with any non-finite element is replaced whole by the safe action (one bad element means the
//      policy's output cannot be trusted at all);
//   2. each element is clipped into the bounds;
//   3. each element's change from the previously written action is limited to the per-tick limit.
// Clipping before rate limiting keeps the result inside the bounds: the previous action was inside them and the
// box is convex, so moving towards the clipped target by at most the limit stays inside. The first action after
// construction or Reset has no previous action and is not rate limited.
// For a Discrete action space only validity is checked: a non-finite value, a fraction or an index outside [0, n)
// is replaced by the safe action. Bounds and rates have no meaning for command indices.
using Control.Core.Envs;

namespace Control.Deploy.Loop;

/// <summary>Makes every action safe to write: finite, valid, inside the bounds, within the rate limit; counts each change.</summary>
public sealed class SafetyFilter
{
    private readonly Box? box;
    private readonly Discrete? discrete;
    private readonly double[] safeAction;
    private readonly double[]? maxChange;
    private readonly double[] previous;
    private bool hasPrevious;
    private long nonFinite, invalid, clipped, rateLimited;

    /// <summary>
    /// A filter for actions of <paramref name="actionSpace"/> written every <paramref name="tickSeconds"/> seconds (the
    /// loop's period; it turns <see cref="SafetyFilterConfig.MaxChangePerSecond"/> into a per-tick limit).
    /// <paramref name="safeAction"/> replaces invalid actions; it must be a member of the space.
    /// </summary>
    /// <exception cref="ArgumentException">A safe action or a limit that does not fit the space; the message says what was expected and what came.</exception>
    public SafetyFilter(SafetyFilterConfig config, Space actionSpace, ReadOnlySpan<double> safeAction, double tickSeconds)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(actionSpace);
        if (!(tickSeconds > 0) || !double.IsFinite(tickSeconds))
            throw new ArgumentOutOfRangeException(nameof(tickSeconds), tickSeconds, "safety filter: expected a positive, finite tick length in seconds.");
        Config = config;
        ActionSpace = actionSpace;
        box = actionSpace as Box;
        discrete = actionSpace as Discrete;
        if (box is null && discrete is null)
            throw new ArgumentException($"safety filter: expected a Box or Discrete action space, got {actionSpace.Describe()}.", nameof(actionSpace));
        int size = actionSpace.FlatSize;
        if (safeAction.Length != size || !actionSpace.Contains(safeAction))
        {
            throw new ArgumentException(
                $"safety filter: expected a safe action of length {size} inside {actionSpace.Describe()}, got [{string.Join(", ", safeAction.ToArray())}].",
                nameof(safeAction));
        }
        this.safeAction = safeAction.ToArray();
        previous = new double[size];
        if (box is not null) maxChange = PerTickLimit(config, size, tickSeconds);
    }

    /// <summary>What the filter enforces.</summary>
    public SafetyFilterConfig Config { get; }

    /// <summary>The space actions must belong to.</summary>
    public Space ActionSpace { get; }

    /// <summary>The action that replaces a non-finite or invalid one.</summary>
    public ReadOnlySpan<double> SafeAction => safeAction;

    /// <summary>The per-tick change limit of each element after combining both config limits; empty when there is none.</summary>
    public ReadOnlySpan<double> MaxChangePerTick => maxChange;

    /// <summary>Actions changed so far, by reason.</summary>
    public SafetyFilterCounts Counts => new(nonFinite, invalid, clipped, rateLimited);

    /// <summary>Starts afresh: forgets the previous action (the next one is not rate limited) and zeroes the counts.</summary>
    public void Reset()
    {
        hasPrevious = false;
        nonFinite = invalid = clipped = rateLimited = 0;
    }

    /// <summary>Makes <paramref name="action"/> safe in place and remembers it as the previous action.</summary>
    /// <exception cref="ArgumentException">The action's length is not the space's.</exception>
    public void Apply(Span<double> action)
    {
        if (action.Length != safeAction.Length)
            throw new ArgumentException($"safety filter: expected an action of length {safeAction.Length}, got length {action.Length}.", nameof(action));
        if (!AllFinite(action))
        {
            nonFinite++;
            safeAction.CopyTo(action);
        }
        else if (discrete is not null && !discrete.Contains(action))
        {
            invalid++;
            safeAction.CopyTo(action);
        }
        if (box is not null)
        {
            if (Config.ClipToBounds && ClipInto(box, action)) clipped++;
            if (maxChange is not null && hasPrevious && LimitChange(action, previous, maxChange)) rateLimited++;
        }
        action.CopyTo(previous);
        hasPrevious = true;
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (double v in values)
        {
            if (!double.IsFinite(v)) return false;
        }
        return true;
    }

    private static bool ClipInto(Box box, Span<double> action)
    {
        ReadOnlySpan<double> low = box.Low, high = box.High;
        bool changed = false;
        for (int i = 0; i < action.Length; i++)
        {
            double v = Math.Clamp(action[i], low[i], high[i]);
            changed |= v != action[i];
            action[i] = v;
        }
        return changed;
    }

    private static bool LimitChange(Span<double> action, ReadOnlySpan<double> previous, ReadOnlySpan<double> limit)
    {
        bool changed = false;
        for (int i = 0; i < action.Length; i++)
        {
            double v = Math.Clamp(action[i], previous[i] - limit[i], previous[i] + limit[i]);
            changed |= v != action[i];
            action[i] = v;
        }
        return changed;
    }

    // Both limits as one per-tick limit per element (the tighter of the two), or null when neither is set.
    private static double[]? PerTickLimit(SafetyFilterConfig config, int size, double tickSeconds)
    {
        if (config.MaxChangePerTick is null && config.MaxChangePerSecond is null) return null;
        var limit = new double[size];
        Array.Fill(limit, double.PositiveInfinity);
        Tighten(limit, config.MaxChangePerTick, 1.0, nameof(SafetyFilterConfig.MaxChangePerTick));
        Tighten(limit, config.MaxChangePerSecond, tickSeconds, nameof(SafetyFilterConfig.MaxChangePerSecond));
        return limit;
    }

    private static void Tighten(double[] limit, double[]? given, double scale, string name)
    {
        if (given is null) return;
        if (given.Length != 1 && given.Length != limit.Length)
            throw new ArgumentException($"safety filter: expected {name} of length 1 or {limit.Length} (the action's), got length {given.Length}.", nameof(given));
        for (int i = 0; i < limit.Length; i++)
        {
            double value = given[given.Length == 1 ? 0 : i];
            if (!(value > 0))
                throw new ArgumentException($"safety filter: expected positive {name} values, got {value} at index {(given.Length == 1 ? 0 : i)}.", nameof(given));
            limit[i] = Math.Min(limit[i], value * scale);
        }
    }
}
