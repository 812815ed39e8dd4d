using System.Runtime.Intrinsics;

namespace MlNetLion.Optimizers.Fused;

/// <summary>Flags a gradient that holds NaN or ±infinity (x·0 is NaN exactly for those).</summary>
internal readonly unsafe struct FiniteCheckKernel(float* data, long length, int slot, int[] nonFinite) : IFusedKernel
{
    public long Length => length;

    public void Run(long start, int count)
    {
        if (Volatile.Read(ref nonFinite[slot]) != 0) return;
        var p = data + start;
        var acc = Vector256<float>.Zero;
        var i = 0;
        for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            acc += Vector256.Load(p + i) * Vector256<float>.Zero;
        var tail = 0f;
        for (; i < count; i++) tail += p[i] * 0f;
        if (float.IsNaN(Vector256.Sum(acc) + tail)) Volatile.Write(ref nonFinite[slot], 1);
    }
}
