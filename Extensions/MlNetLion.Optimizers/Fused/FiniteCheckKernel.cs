using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetLion.Optimizers.Fused;

/// <summary>
/// Flags a gradient that holds NaN or ±infinity: exactly the floats whose bits without the sign are
/// ≥ 0x7F800000 (all exponent bits set). Integer max over four independent accumulators keeps the scan
/// at memory speed.
/// </summary>
internal readonly unsafe struct FiniteCheckKernel(float* data, long length, int slot, int[] nonFinite) : IFusedKernel
{
    private const int ExponentMask = 0x7F800000;

    public long Length => length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, int count)
    {
        if (Volatile.Read(ref nonFinite[slot]) != 0) return;
        var p = (int*)(data + start);
        var abs = Vector256.Create(0x7FFFFFFF);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        const int n = 8;
        // Four streams, one per quarter of the chunk: more reads in flight than one sequential stream.
        var quarter = count / (4 * n) * n;
        int* q0 = p, q1 = p + quarter, q2 = p + 2 * quarter, q3 = p + 3 * quarter;
        for (var i = 0; i < quarter; i += n)
        {
            a0 = Vector256.Max(a0, Vector256.Load(q0 + i) & abs);
            a1 = Vector256.Max(a1, Vector256.Load(q1 + i) & abs);
            a2 = Vector256.Max(a2, Vector256.Load(q2 + i) & abs);
            a3 = Vector256.Max(a3, Vector256.Load(q3 + i) & abs);
        }
        var max = Vector256.Max(Vector256.Max(a0, a1), Vector256.Max(a2, a3));
        var worst = 0;
        for (var j = 0; j < n; j++) worst = Math.Max(worst, max[j]);
        for (var i = 4 * quarter; i < count; i++) worst = Math.Max(worst, p[i] & 0x7FFFFFFF);
        if (worst >= ExponentMask) Volatile.Write(ref nonFinite[slot], 1);
    }
}
