namespace Control.Core;

/// <summary>A snapshot of an <see cref="Rng"/>: its seed, the four xoshiro words and the pending normal sample.</summary>
public readonly record struct RngState(ulong Seed, ulong S0, ulong S1, ulong S2, ulong S3, double SpareNormal, bool HasSpareNormal)
{
    /// <summary>Writes the state (little-endian).</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Seed);
        writer.Write(S0);
        writer.Write(S1);
        writer.Write(S2);
        writer.Write(S3);
        writer.Write(SpareNormal);
        writer.Write(HasSpareNormal);
    }

    /// <summary>Reads a state written by <see cref="Write"/>.</summary>
    public static RngState Read(BinaryReader reader)
        => new(reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadUInt64(), reader.ReadDouble(), reader.ReadBoolean());
}
