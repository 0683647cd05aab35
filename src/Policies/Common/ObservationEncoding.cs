namespace Control.Policies.Common;

/// <summary>How a raw observation becomes the network's input.</summary>
public enum ObservationEncoding
{
    /// <summary>The observation's values as floats (after the normalizer, if any).</summary>
    Values,
    /// <summary>A Discrete observation (one cell index) as a one-hot vector of the network's input size.</summary>
    OneHot,
    /// <summary>
    /// n raw values as 3n features [x with the angles' raw values zeroed, sin x, cos x] (no normalizer): policies over
    /// states with angles, such as the BPTT policy, so that a swing-up sees an angle through its sine and cosine only.
    /// </summary>
    Periodic,
}
