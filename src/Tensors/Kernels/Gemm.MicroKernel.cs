// Micro-kernel dispatch: rows (1..8), vectors per row (1..4), A row-major or packed by k.
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
    private static void Panels<T, TV, TO>(int rows, int nv, bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast = false, TV lastMask = default)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        switch (rows)
        {
            case 1: PanelsR<T, TV, TO, C1>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 2: PanelsR<T, TV, TO, C2>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 3: PanelsR<T, TV, TO, C3>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 4: PanelsR<T, TV, TO, C4>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 5: PanelsR<T, TV, TO, C5>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 6: PanelsR<T, TV, TO, C6>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 7: PanelsR<T, TV, TO, C7>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 8: PanelsR<T, TV, TO, C8>(nv, rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            default: throw new InvalidOperationException("Tile rows out of range.");
        }
    }

    private static void PanelsR<T, TV, TO, TR>(int nv, bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
    {
        switch (nv)
        {
            case 1: PanelsRN<T, TV, TO, TR, C1>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 2: PanelsRN<T, TV, TO, TR, C2>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 3: PanelsRN<T, TV, TO, TR, C3>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 4: PanelsRN<T, TV, TO, TR, C4>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 5: PanelsRN<T, TV, TO, TR, C5>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 6: PanelsRN<T, TV, TO, TR, C6>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 7: PanelsRN<T, TV, TO, TR, C7>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            case 8: PanelsRN<T, TV, TO, TR, C8>(rowMajor, a, ars, aks, b, panelStride, bks, kc, panels, width, c, ldc, add, scratch, maskLast, lastMask); break;
            default: throw new InvalidOperationException("Tile width out of range.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PanelsRN<T, TV, TO, TR, TN>(bool rowMajor, T* a, nint ars, nint aks, T* b,
        nint panelStride, nint bks, nint kc, int panels, int width, T* c, nint ldc, bool add, T* scratch,
        bool maskLast, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
    {
        int nr = TN.Value * TO.Count;
        if (TN.Value > 4)
        {
            if (TR.Value > 2) throw new InvalidOperationException("Wide tiles have at most 2 rows.");
            if (rowMajor)
                for (int q = 0, j = 0; q < panels; q++, j += nr)
                {
                    if (maskLast) TileWide<T, TV, TO, TR, TN, C1, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
                    else TileWide<T, TV, TO, TR, TN, C1, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
                }
            else
                for (int q = 0, j = 0; q < panels; q++, j += nr)
                {
                    if (maskLast) TileWide<T, TV, TO, TR, TN, C0, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
                    else TileWide<T, TV, TO, TR, TN, C0, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
                }
            return;
        }
        if (maskLast)
        {
            // One panel whose last vector of B is read through a mask (the columns past the end of B's rows).
            if (rowMajor) Tile<T, TV, TO, TR, TN, C1, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
            else Tile<T, TV, TO, TR, TN, C0, C1>(a, ars, aks, b, bks, kc, c, ldc, width, add, scratch, lastMask);
            return;
        }
        if (rowMajor)
            for (int q = 0, j = 0; q < panels; q++, j += nr)
                Tile<T, TV, TO, TR, TN, C1, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
        else
            for (int q = 0, j = 0; q < panels; q++, j += nr)
                Tile<T, TV, TO, TR, TN, C0, C0>(a, ars, aks, b + q * panelStride, bks, kc, c + j, ldc, Math.Min(nr, width - j), add, scratch, lastMask);
    }

    /// <summary>
    /// The micro-kernel: C[0 .. R, 0 .. cols] (+)= sum over p &lt; kc of A(r, p) B(p, 0 .. N W), where A(r, p) is
    /// a[r ars + p] (TA = 1, A row-major) or a[p aks + r] (TA = 0, A packed or stored transposed), and the N vectors
    /// of B(p, .) are at b + p bks (with TM = 1 the last one is loaded through lastMask). Columns past cols are
    /// computed but not stored (they go through scratch).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<T, TV, TO, TR, TN, TA, TM>(T* a, nint ars, nint aks, T* b, nint bks, nint kc,
        T* c, nint ldc, int cols, bool add, T* scratch, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
        where TA : struct, IConst
        where TM : struct, IConst
    {
        bool maskLast = TM.Value != 0;
        int R = TR.Value, N = TN.Value;
        nint W = TO.Count;
        bool rowMajor = TA.Value != 0;
        nint rs = rowMajor ? ars : 1, ks = rowMajor ? 1 : aks;
        nint o1 = rs, o2 = 2 * rs, o3 = 3 * rs, o4 = 4 * rs, o5 = 5 * rs, o6 = 6 * rs, o7 = 7 * rs;
        TV c00 = TO.Zero, c01 = TO.Zero, c02 = TO.Zero, c03 = TO.Zero, c10 = TO.Zero, c11 = TO.Zero, c12 = TO.Zero, c13 = TO.Zero, c20 = TO.Zero, c21 = TO.Zero, c22 = TO.Zero, c23 = TO.Zero, c30 = TO.Zero, c31 = TO.Zero, c32 = TO.Zero, c33 = TO.Zero, c40 = TO.Zero, c41 = TO.Zero, c42 = TO.Zero, c43 = TO.Zero, c50 = TO.Zero, c51 = TO.Zero, c52 = TO.Zero, c53 = TO.Zero, c60 = TO.Zero, c61 = TO.Zero, c62 = TO.Zero, c63 = TO.Zero, c70 = TO.Zero, c71 = TO.Zero, c72 = TO.Zero, c73 = TO.Zero;
        T* ap = a;
        for (nint p = kc; p > 0; p--)
        {
            TV b0 = maskLast && N == 1 ? TO.LoadMasked(b, lastMask) : TO.Load(b);
            TV b1 = N > 1 ? (maskLast && N == 2 ? TO.LoadMasked(b + 1 * W, lastMask) : TO.Load(b + 1 * W)) : b0;
            TV b2 = N > 2 ? (maskLast && N == 3 ? TO.LoadMasked(b + 2 * W, lastMask) : TO.Load(b + 2 * W)) : b0;
            TV b3 = N > 3 ? (maskLast && N == 4 ? TO.LoadMasked(b + 3 * W, lastMask) : TO.Load(b + 3 * W)) : b0;
            TV x0 = TO.Broadcast(ap[0]);
            c00 = TO.Fma(x0, b0, c00);
            if (N > 1) c01 = TO.Fma(x0, b1, c01);
            if (N > 2) c02 = TO.Fma(x0, b2, c02);
            if (N > 3) c03 = TO.Fma(x0, b3, c03);
            if (R > 1)
            {
                TV x1 = TO.Broadcast(ap[o1]);
                c10 = TO.Fma(x1, b0, c10);
                if (N > 1) c11 = TO.Fma(x1, b1, c11);
                if (N > 2) c12 = TO.Fma(x1, b2, c12);
                if (N > 3) c13 = TO.Fma(x1, b3, c13);
            }
            if (R > 2)
            {
                TV x2 = TO.Broadcast(ap[o2]);
                c20 = TO.Fma(x2, b0, c20);
                if (N > 1) c21 = TO.Fma(x2, b1, c21);
                if (N > 2) c22 = TO.Fma(x2, b2, c22);
                if (N > 3) c23 = TO.Fma(x2, b3, c23);
            }
            if (R > 3)
            {
                TV x3 = TO.Broadcast(ap[o3]);
                c30 = TO.Fma(x3, b0, c30);
                if (N > 1) c31 = TO.Fma(x3, b1, c31);
                if (N > 2) c32 = TO.Fma(x3, b2, c32);
                if (N > 3) c33 = TO.Fma(x3, b3, c33);
            }
            if (R > 4)
            {
                TV x4 = TO.Broadcast(ap[o4]);
                c40 = TO.Fma(x4, b0, c40);
                if (N > 1) c41 = TO.Fma(x4, b1, c41);
                if (N > 2) c42 = TO.Fma(x4, b2, c42);
                if (N > 3) c43 = TO.Fma(x4, b3, c43);
            }
            if (R > 5)
            {
                TV x5 = TO.Broadcast(ap[o5]);
                c50 = TO.Fma(x5, b0, c50);
                if (N > 1) c51 = TO.Fma(x5, b1, c51);
                if (N > 2) c52 = TO.Fma(x5, b2, c52);
                if (N > 3) c53 = TO.Fma(x5, b3, c53);
            }
            if (R > 6)
            {
                TV x6 = TO.Broadcast(ap[o6]);
                c60 = TO.Fma(x6, b0, c60);
                if (N > 1) c61 = TO.Fma(x6, b1, c61);
                if (N > 2) c62 = TO.Fma(x6, b2, c62);
                if (N > 3) c63 = TO.Fma(x6, b3, c63);
            }
            if (R > 7)
            {
                TV x7 = TO.Broadcast(ap[o7]);
                c70 = TO.Fma(x7, b0, c70);
                if (N > 1) c71 = TO.Fma(x7, b1, c71);
                if (N > 2) c72 = TO.Fma(x7, b2, c72);
                if (N > 3) c73 = TO.Fma(x7, b3, c73);
            }
            ap += ks;
            b += bks;
        }
        T* dst = c;
        nint dstStride = ldc;
        bool full = cols == N * W;
        if (!full)
        {
            dst = scratch;
            dstStride = N * W;
        }
        bool addHere = add && full;
        Put<T, TV, TO>(dst + 0 * W, c00, addHere);
        if (N > 1) Put<T, TV, TO>(dst + 1 * W, c01, addHere);
        if (N > 2) Put<T, TV, TO>(dst + 2 * W, c02, addHere);
        if (N > 3) Put<T, TV, TO>(dst + 3 * W, c03, addHere);
        if (R > 1)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c10, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c11, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c12, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c13, addHere);
        }
        if (R > 2)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c20, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c21, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c22, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c23, addHere);
        }
        if (R > 3)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c30, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c31, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c32, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c33, addHere);
        }
        if (R > 4)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c40, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c41, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c42, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c43, addHere);
        }
        if (R > 5)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c50, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c51, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c52, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c53, addHere);
        }
        if (R > 6)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c60, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c61, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c62, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c63, addHere);
        }
        if (R > 7)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c70, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c71, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c72, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c73, addHere);
        }
        if (!full) StorePartial(scratch, N * W, R, cols, c, ldc, add);
    }

    /// <summary><see cref="Tile"/> for up to 2 rows and up to 8 vectors (the direct path with m &lt;= 2).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TileWide<T, TV, TO, TR, TN, TA, TM>(T* a, nint ars, nint aks, T* b, nint bks, nint kc,
        T* c, nint ldc, int cols, bool add, T* scratch, TV lastMask)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
        where TR : struct, IConst
        where TN : struct, IConst
        where TA : struct, IConst
        where TM : struct, IConst
    {
        bool maskLast = TM.Value != 0;
        int R = TR.Value, N = TN.Value;
        nint W = TO.Count;
        bool rowMajor = TA.Value != 0;
        nint rs = rowMajor ? ars : 1, ks = rowMajor ? 1 : aks;
        nint o1 = rs;
        TV c00 = TO.Zero, c01 = TO.Zero, c02 = TO.Zero, c03 = TO.Zero, c04 = TO.Zero, c05 = TO.Zero, c06 = TO.Zero, c07 = TO.Zero, c10 = TO.Zero, c11 = TO.Zero, c12 = TO.Zero, c13 = TO.Zero, c14 = TO.Zero, c15 = TO.Zero, c16 = TO.Zero, c17 = TO.Zero;
        T* ap = a;
        for (nint p = kc; p > 0; p--)
        {
            TV b0 = maskLast && N == 1 ? TO.LoadMasked(b, lastMask) : TO.Load(b);
            TV b1 = N > 1 ? (maskLast && N == 2 ? TO.LoadMasked(b + 1 * W, lastMask) : TO.Load(b + 1 * W)) : b0;
            TV b2 = N > 2 ? (maskLast && N == 3 ? TO.LoadMasked(b + 2 * W, lastMask) : TO.Load(b + 2 * W)) : b0;
            TV b3 = N > 3 ? (maskLast && N == 4 ? TO.LoadMasked(b + 3 * W, lastMask) : TO.Load(b + 3 * W)) : b0;
            TV b4 = N > 4 ? (maskLast && N == 5 ? TO.LoadMasked(b + 4 * W, lastMask) : TO.Load(b + 4 * W)) : b0;
            TV b5 = N > 5 ? (maskLast && N == 6 ? TO.LoadMasked(b + 5 * W, lastMask) : TO.Load(b + 5 * W)) : b0;
            TV b6 = N > 6 ? (maskLast && N == 7 ? TO.LoadMasked(b + 6 * W, lastMask) : TO.Load(b + 6 * W)) : b0;
            TV b7 = N > 7 ? (maskLast && N == 8 ? TO.LoadMasked(b + 7 * W, lastMask) : TO.Load(b + 7 * W)) : b0;
            TV x0 = TO.Broadcast(ap[0]);
            c00 = TO.Fma(x0, b0, c00);
            if (N > 1) c01 = TO.Fma(x0, b1, c01);
            if (N > 2) c02 = TO.Fma(x0, b2, c02);
            if (N > 3) c03 = TO.Fma(x0, b3, c03);
            if (N > 4) c04 = TO.Fma(x0, b4, c04);
            if (N > 5) c05 = TO.Fma(x0, b5, c05);
            if (N > 6) c06 = TO.Fma(x0, b6, c06);
            if (N > 7) c07 = TO.Fma(x0, b7, c07);
            if (R > 1)
            {
                TV x1 = TO.Broadcast(ap[o1]);
                c10 = TO.Fma(x1, b0, c10);
                if (N > 1) c11 = TO.Fma(x1, b1, c11);
                if (N > 2) c12 = TO.Fma(x1, b2, c12);
                if (N > 3) c13 = TO.Fma(x1, b3, c13);
                if (N > 4) c14 = TO.Fma(x1, b4, c14);
                if (N > 5) c15 = TO.Fma(x1, b5, c15);
                if (N > 6) c16 = TO.Fma(x1, b6, c16);
                if (N > 7) c17 = TO.Fma(x1, b7, c17);
            }
            ap += ks;
            b += bks;
        }
        T* dst = c;
        nint dstStride = ldc;
        bool full = cols == N * W;
        if (!full)
        {
            dst = scratch;
            dstStride = N * W;
        }
        bool addHere = add && full;
        Put<T, TV, TO>(dst + 0 * W, c00, addHere);
        if (N > 1) Put<T, TV, TO>(dst + 1 * W, c01, addHere);
        if (N > 2) Put<T, TV, TO>(dst + 2 * W, c02, addHere);
        if (N > 3) Put<T, TV, TO>(dst + 3 * W, c03, addHere);
        if (N > 4) Put<T, TV, TO>(dst + 4 * W, c04, addHere);
        if (N > 5) Put<T, TV, TO>(dst + 5 * W, c05, addHere);
        if (N > 6) Put<T, TV, TO>(dst + 6 * W, c06, addHere);
        if (N > 7) Put<T, TV, TO>(dst + 7 * W, c07, addHere);
        if (R > 1)
        {
            dst += dstStride;
            Put<T, TV, TO>(dst + 0 * W, c10, addHere);
            if (N > 1) Put<T, TV, TO>(dst + 1 * W, c11, addHere);
            if (N > 2) Put<T, TV, TO>(dst + 2 * W, c12, addHere);
            if (N > 3) Put<T, TV, TO>(dst + 3 * W, c13, addHere);
            if (N > 4) Put<T, TV, TO>(dst + 4 * W, c14, addHere);
            if (N > 5) Put<T, TV, TO>(dst + 5 * W, c15, addHere);
            if (N > 6) Put<T, TV, TO>(dst + 6 * W, c16, addHere);
            if (N > 7) Put<T, TV, TO>(dst + 7 * W, c17, addHere);
        }
        if (!full) StorePartial(scratch, N * W, R, cols, c, ldc, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<T, TV, TO>(T* dst, TV v, bool add)
        where T : unmanaged
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        if (add) v = TO.Add(TO.Load(dst), v);
        TO.Store(dst, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StorePartial<T>(T* tile, nint tileStride, int rows, int cols, T* c, nint ldc, bool add)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int r = 0; r < rows; r++, tile += tileStride, c += ldc)
        {
            if (add)
                for (int j = 0; j < cols; j++) c[j] += tile[j];
            else
                for (int j = 0; j < cols; j++) c[j] = tile[j];
        }
    }
}
