// General path: packed B, blocked over k and n.
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Control.Tensors.Kernels;

internal static unsafe partial class Gemm
{
    private static int KcMax<T>() where T : unmanaged => sizeof(T) == 4 ? 384 : 256;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GeneralPath<T, TV, TO>(in Problem<T> p, int i0, int i1, int j0, int j1)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count, mr = TO.MR, nv = TO.NV, nr = nv * w;
        int k = p.K;
        int kcMax = KcMax<T>();
        int kBlocks = (k + kcMax - 1) / kcMax;
        int kc = (k + kBlocks - 1) / kBlocks;
        int ncMax = Math.Max(nr, L2Budget / (kc * sizeof(T)) / nr * nr);
        int nc = Math.Min(ncMax, RoundUp(j1 - j0, nr));

        nint bLen = RoundUp((nint)kc * nc, 64);
        nint aLen = RoundUp((nint)kc * mr, 64);
        T* bPack = Scratch<T>.Get(bLen + aLen + 64 * 64);
        T* aPack = bPack + bLen;
        T* tile = aPack + aLen;

        for (int jc = j0; jc < j1; jc += nc)
        {
            int ncur = Math.Min(nc, j1 - jc);
            int panels = (ncur + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += kc)
            {
                int kcur = Math.Min(kc, k - pc);
                PackB<T, TV, TO>(p, pc, kcur, jc, ncur, nr, bPack);
                bool add = pc > 0 || p.Accumulate;
                for (int ir = i0; ir < i1; ir += mr)
                {
                    int rows = Math.Min(mr, i1 - ir);
                    T* aBlock;
                    nint ars, aks;
                    if (p.TransA)
                    {
                        PackA(p, ir, rows, pc, kcur, mr, aPack);
                        aBlock = aPack;
                        ars = 1;
                        aks = mr;
                    }
                    else
                    {
                        aBlock = p.A + (nint)ir * p.Lda + pc;
                        ars = p.Lda;
                        aks = 1;
                    }
                    Panels<T, TV, TO>(rows, nv, !p.TransA, aBlock, ars, aks, bPack, (nint)kcur * nr, nr, kcur,
                        panels, ncur, p.C + (nint)ir * p.Ldc + jc, p.Ldc, add, tile);
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[pc .. pc + kc, jc .. jc + nc] into panels nr columns wide: panel q holds, for each p, the nr
    /// values op(B)[pc + p, jc + q nr + 0 .. nr] contiguously; columns past nc are zero.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackB<T, TV, TO>(in Problem<T> p, int pc, int kc, int jc, int nc, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TV : struct
        where TO : struct, IVec<TV, T>
    {
        int w = TO.Count;
        nint ldb = p.Ldb;
        for (int j = 0; j < nc; j += nr)
        {
            int cols = Math.Min(nr, nc - j);
            T* d = dst + (nint)(j / nr) * kc * nr;
            if (!p.TransB)
            {
                T* s = p.B + (nint)pc * ldb + jc + j;
                if (cols == nr)
                {
                    for (int q = 0; q < kc; q++, s += ldb, d += nr)
                        for (int v = 0; v < nr; v += w) TO.Store(d + v, TO.Load(s + v));
                }
                else
                {
                    for (int q = 0; q < kc; q++, s += ldb, d += nr)
                    {
                        int v = 0;
                        for (; v + w <= cols; v += w) TO.Store(d + v, TO.Load(s + v));
                        for (; v < cols; v++) d[v] = s[v];
                        for (; v < nr; v++) d[v] = T.Zero;
                    }
                }
            }
            else
            {
                T* s = p.B + (nint)(jc + j) * ldb + pc;
                if (!PackTransposed<T>(s, ldb, kc, cols, nr, d))
                {
                    for (int jj = 0; jj < cols; jj++)
                    {
                        T* sr = s + jj * ldb;
                        T* dc = d + jj;
                        for (int q = 0; q < kc; q++) dc[(nint)q * nr] = sr[q];
                    }
                    for (int jj = cols; jj < nr; jj++)
                        for (int q = 0; q < kc; q++) d[(nint)q * nr + jj] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Transposing pack with AVX-512 register transposes (16 x 16 floats, 8 x 8 doubles): d[p nr + j] = s[j lds + p]
    /// for j &lt; cols, zero for cols &lt;= j &lt; nr. Returns false (nothing done) when it does not apply.
    /// </summary>
    private static bool PackTransposed<T>(T* s, nint lds, int kc, int cols, int nr, T* d) where T : unmanaged
    {
        if (!Avx512F.IsSupported) return false;
        if (sizeof(T) == 4 && nr % 16 == 0)
        {
            for (int g = 0; g < nr; g += 16)
                PackTransposed16((float*)s + g * lds, lds, kc, Math.Clamp(cols - g, 0, 16), nr, (float*)d + g);
            return true;
        }
        if (sizeof(T) == 8 && nr % 8 == 0)
        {
            for (int g = 0; g < nr; g += 8)
                PackTransposed8((double*)s + g * lds, lds, kc, Math.Clamp(cols - g, 0, 8), nr, (double*)d + g);
            return true;
        }
        return false;
    }

    /// <summary>16 columns of a float panel: d[p nr + j] = s[j lds + p] for j &lt; rows (else 0), p &lt; kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed16(float* s, nint lds, int kc, int rows, int nr, float* d)
    {
        if (rows == 0)
        {
            for (int p = 0; p < kc; p++) Vector512.Store(Vector512<float>.Zero, d + (nint)p * nr);
            return;
        }
        float* s0 = s, s1 = s + Math.Min(1, rows - 1) * lds, s2 = s + Math.Min(2, rows - 1) * lds, s3 = s + Math.Min(3, rows - 1) * lds;
        float* s4 = s + Math.Min(4, rows - 1) * lds, s5 = s + Math.Min(5, rows - 1) * lds, s6 = s + Math.Min(6, rows - 1) * lds, s7 = s + Math.Min(7, rows - 1) * lds;
        float* s8 = s + Math.Min(8, rows - 1) * lds, s9 = s + Math.Min(9, rows - 1) * lds, s10 = s + Math.Min(10, rows - 1) * lds, s11 = s + Math.Min(11, rows - 1) * lds;
        float* s12 = s + Math.Min(12, rows - 1) * lds, s13 = s + Math.Min(13, rows - 1) * lds, s14 = s + Math.Min(14, rows - 1) * lds, s15 = s + Math.Min(15, rows - 1) * lds;
        // Rows past the last valid one repeat it (in bounds) and are cleared by the mask after the transpose.
        Vector512<float> keep = Vector512.LessThan(Vector512<int>.Indices, Vector512.Create(rows)).AsSingle();
        int p0 = 0;
        for (; p0 + 16 <= kc; p0 += 16)
        {
            Vector512<float> r0 = Vector512.Load(s0 + p0), r1 = Vector512.Load(s1 + p0), r2 = Vector512.Load(s2 + p0), r3 = Vector512.Load(s3 + p0);
            Vector512<float> r4 = Vector512.Load(s4 + p0), r5 = Vector512.Load(s5 + p0), r6 = Vector512.Load(s6 + p0), r7 = Vector512.Load(s7 + p0);
            Vector512<float> r8 = Vector512.Load(s8 + p0), r9 = Vector512.Load(s9 + p0), r10 = Vector512.Load(s10 + p0), r11 = Vector512.Load(s11 + p0);
            Vector512<float> r12 = Vector512.Load(s12 + p0), r13 = Vector512.Load(s13 + p0), r14 = Vector512.Load(s14 + p0), r15 = Vector512.Load(s15 + p0);

            Vector512<float> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
            Vector512<float> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<float> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
            Vector512<float> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<float> t8 = Avx512F.UnpackLow(r8, r9), t9 = Avx512F.UnpackHigh(r8, r9);
            Vector512<float> t10 = Avx512F.UnpackLow(r10, r11), t11 = Avx512F.UnpackHigh(r10, r11);
            Vector512<float> t12 = Avx512F.UnpackLow(r12, r13), t13 = Avx512F.UnpackHigh(r12, r13);
            Vector512<float> t14 = Avx512F.UnpackLow(r14, r15), t15 = Avx512F.UnpackHigh(r14, r15);

            // u(4b + x), lane L: rows 4b .. 4b + 3 of column 4L + x.
            Vector512<float> u0 = Avx512F.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(), u1 = Avx512F.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();
            Vector512<float> u2 = Avx512F.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(), u3 = Avx512F.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();
            Vector512<float> u4 = Avx512F.UnpackLow(t4.AsDouble(), t6.AsDouble()).AsSingle(), u5 = Avx512F.UnpackHigh(t4.AsDouble(), t6.AsDouble()).AsSingle();
            Vector512<float> u6 = Avx512F.UnpackLow(t5.AsDouble(), t7.AsDouble()).AsSingle(), u7 = Avx512F.UnpackHigh(t5.AsDouble(), t7.AsDouble()).AsSingle();
            Vector512<float> u8 = Avx512F.UnpackLow(t8.AsDouble(), t10.AsDouble()).AsSingle(), u9 = Avx512F.UnpackHigh(t8.AsDouble(), t10.AsDouble()).AsSingle();
            Vector512<float> u10 = Avx512F.UnpackLow(t9.AsDouble(), t11.AsDouble()).AsSingle(), u11 = Avx512F.UnpackHigh(t9.AsDouble(), t11.AsDouble()).AsSingle();
            Vector512<float> u12 = Avx512F.UnpackLow(t12.AsDouble(), t14.AsDouble()).AsSingle(), u13 = Avx512F.UnpackHigh(t12.AsDouble(), t14.AsDouble()).AsSingle();
            Vector512<float> u14 = Avx512F.UnpackLow(t13.AsDouble(), t15.AsDouble()).AsSingle(), u15 = Avx512F.UnpackHigh(t13.AsDouble(), t15.AsDouble()).AsSingle();

            float* dp = d + (nint)p0 * nr;
            Transpose16Finish(u0, u4, u8, u12, keep, dp, nr, 0);
            Transpose16Finish(u1, u5, u9, u13, keep, dp, nr, 1);
            Transpose16Finish(u2, u6, u10, u14, keep, dp, nr, 2);
            Transpose16Finish(u3, u7, u11, u15, keep, dp, nr, 3);
        }
        for (; p0 < kc; p0++)
        {
            float* dp = d + (nint)p0 * nr;
            for (int j = 0; j < 16; j++) dp[j] = j < rows ? s[j * lds + p0] : 0f;
        }
    }

    /// <summary>Columns x, 4 + x, 8 + x, 12 + x of a 16 x 16 transpose from the row quads' lane-interleaved vectors.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16Finish(Vector512<float> q0, Vector512<float> q1, Vector512<float> q2, Vector512<float> q3,
        Vector512<float> keep, float* dp, nint nr, int x)
    {
        Vector512<float> v0 = Avx512F.Shuffle4x128(q0, q1, 0x88), v1 = Avx512F.Shuffle4x128(q0, q1, 0xDD);
        Vector512<float> w0 = Avx512F.Shuffle4x128(q2, q3, 0x88), w1 = Avx512F.Shuffle4x128(q2, q3, 0xDD);
        Vector512.Store(Avx512F.Shuffle4x128(v0, w0, 0x88) & keep, dp + x * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v1, w1, 0x88) & keep, dp + (4 + x) * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v0, w0, 0xDD) & keep, dp + (8 + x) * nr);
        Vector512.Store(Avx512F.Shuffle4x128(v1, w1, 0xDD) & keep, dp + (12 + x) * nr);
    }

    /// <summary>8 columns of a double panel: d[p nr + j] = s[j lds + p] for j &lt; rows (else 0), p &lt; kc.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed8(double* s, nint lds, int kc, int rows, int nr, double* d)
    {
        if (rows == 0)
        {
            for (int p = 0; p < kc; p++) Vector512.Store(Vector512<double>.Zero, d + (nint)p * nr);
            return;
        }
        double* s0 = s, s1 = s + Math.Min(1, rows - 1) * lds, s2 = s + Math.Min(2, rows - 1) * lds, s3 = s + Math.Min(3, rows - 1) * lds;
        double* s4 = s + Math.Min(4, rows - 1) * lds, s5 = s + Math.Min(5, rows - 1) * lds, s6 = s + Math.Min(6, rows - 1) * lds, s7 = s + Math.Min(7, rows - 1) * lds;
        Vector512<double> keep = Vector512.LessThan(Vector512<long>.Indices, Vector512.Create((long)rows)).AsDouble();
        int p0 = 0;
        for (; p0 + 8 <= kc; p0 += 8)
        {
            Vector512<double> r0 = Vector512.Load(s0 + p0), r1 = Vector512.Load(s1 + p0), r2 = Vector512.Load(s2 + p0), r3 = Vector512.Load(s3 + p0);
            Vector512<double> r4 = Vector512.Load(s4 + p0), r5 = Vector512.Load(s5 + p0), r6 = Vector512.Load(s6 + p0), r7 = Vector512.Load(s7 + p0);
            // t(2b + x), lane L: rows 2b, 2b + 1 of column 2L + x.
            Vector512<double> t0 = Avx512F.UnpackLow(r0, r1), t1 = Avx512F.UnpackHigh(r0, r1);
            Vector512<double> t2 = Avx512F.UnpackLow(r2, r3), t3 = Avx512F.UnpackHigh(r2, r3);
            Vector512<double> t4 = Avx512F.UnpackLow(r4, r5), t5 = Avx512F.UnpackHigh(r4, r5);
            Vector512<double> t6 = Avx512F.UnpackLow(r6, r7), t7 = Avx512F.UnpackHigh(r6, r7);
            Vector512<double> u0 = Avx512F.Shuffle4x128(t0, t2, 0x88), u1 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
            Vector512<double> u2 = Avx512F.Shuffle4x128(t1, t3, 0x88), u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
            Vector512<double> u4 = Avx512F.Shuffle4x128(t4, t6, 0x88), u5 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
            Vector512<double> u6 = Avx512F.Shuffle4x128(t5, t7, 0x88), u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
            double* dp = d + (nint)p0 * nr;
            Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0x88) & keep, dp);
            Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0x88) & keep, dp + nr);
            Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0x88) & keep, dp + 2 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0x88) & keep, dp + 3 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u0, u4, 0xDD) & keep, dp + 4 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u2, u6, 0xDD) & keep, dp + 5 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u1, u5, 0xDD) & keep, dp + 6 * nr);
            Vector512.Store(Avx512F.Shuffle4x128(u3, u7, 0xDD) & keep, dp + 7 * nr);
        }
        for (; p0 < kc; p0++)
        {
            double* dp = d + (nint)p0 * nr;
            for (int j = 0; j < 8; j++) dp[j] = j < rows ? s[j * lds + p0] : 0.0;
        }
    }

    /// <summary>Packs the sliver op(A)[ir .. ir + rows, pc .. pc + kc] of a transposed A: dst[p mr + r].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackA<T>(in Problem<T> p, int ir, int rows, int pc, int kc, int mr, T* dst) where T : unmanaged
    {
        T* s = p.A + (nint)pc * p.Lda + ir;
        nint lda = p.Lda;
        if (rows == 8 && sizeof(T) == 4)
        {
            for (int q = 0; q < kc; q++, s += lda, dst += mr) Vector256.Store(Vector256.Load((float*)s), (float*)dst);
            return;
        }
        if (rows == 8 && sizeof(T) == 8)
        {
            for (int q = 0; q < kc; q++, s += lda, dst += mr) Vector512.Store(Vector512.Load((double*)s), (double*)dst);
            return;
        }
        for (int q = 0; q < kc; q++, s += lda, dst += mr)
            for (int r = 0; r < rows; r++) dst[r] = s[r];
    }

    private static int RoundUp(int x, int to) => (x + to - 1) / to * to;

    private static nint RoundUp(nint x, nint to) => (x + to - 1) / to * to;
}
