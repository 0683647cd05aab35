namespace Control.Tensors.Kernels;

/// <summary>The vector operations the kernels use, and the tile shapes that suit the register file.</summary>
internal unsafe interface IVec<TV, T> where TV : struct where T : unmanaged
{
    /// <summary>Lanes per vector.</summary>
    static abstract int Count { get; }

    /// <summary>Rows of the general micro-tile.</summary>
    static abstract int MR { get; }

    /// <summary>Vectors per row of the general micro-tile.</summary>
    static abstract int NV { get; }

    /// <summary>Vectors per row of the direct (m &lt;= 4) micro-tile with the given number of rows.</summary>
    static abstract int DirectNV(int rows);

    /// <summary>Accumulators of a dot tile (rows times columns).</summary>
    static abstract int DotAccumulators { get; }

    static abstract TV Zero { get; }
    static abstract TV Load(T* p);
    static abstract void Store(T* p, TV v);
    static abstract TV Broadcast(T x);

    /// <summary>a b + c, rounded once.</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    static abstract TV Add(TV a, TV b);

    /// <summary>Lanes of <paramref name="a"/> where the mask is set, of <paramref name="b"/> elsewhere.</summary>
    static abstract TV Select(TV mask, TV a, TV b);

    /// <summary>All bits set in the first <paramref name="count"/> lanes, zero in the others.</summary>
    static abstract TV LowMask(int count);

    /// <summary>All bits set in the last <paramref name="count"/> lanes, zero in the others.</summary>
    static abstract TV HighMask(int count);

    /// <summary>Loads the lanes where the mask is set (others zero); memory under clear lanes is not touched.</summary>
    static abstract TV LoadMasked(T* p, TV mask);

    /// <summary>Lane i of the result is lane (i - shift) mod Count of v.</summary>
    static abstract TV Rotate(TV v, int shift);

    static abstract T Sum(TV v);

    /// <summary>
    /// c[s] (+)= the sum of the lanes of ds, for s &lt; count (at most 8). The lanes of every vector are added in
    /// the same order whatever its position, so the result of an element does not depend on its neighbours.
    /// </summary>
    static abstract void StoreSums(T* c, int count, bool add, TV d0, TV d1, TV d2, TV d3, TV d4, TV d5, TV d6, TV d7);
}
