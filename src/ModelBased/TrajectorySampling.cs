namespace Control.ModelBased;

/// <summary>How particles pick ensemble members.</summary>
public enum TrajectorySampling
{
    /// <summary>TS1: a fresh elite member for every particle at every step.</summary>
    TS1,

    /// <summary>TS-infinity: one elite member per particle for the whole horizon.</summary>
    TSInfinity,
}
