namespace Control.Policies.Common;

/// <summary>How a raw observation becomes the network's input.</summary>
public enum ObservationEncoding
{
    /// <summary>The observation's values as floats (after the normalizer, if any).</summary>
    Values,
    /// <summary>A Discrete observation (one cell index) as a one-hot vector of the network's input size.</summary>
    OneHot,
}
