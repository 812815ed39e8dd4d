using System.Runtime.Intrinsics;
using MlNetLion.Optimizers.Fused;

namespace MlNetLion.Bench;

/// <summary>
/// The memory-traffic floor of an optimizer step: one fused pass that reads a gradient-like array and
/// <c>W</c> updated arrays and writes the <c>W</c> arrays back (aⱼ ← aⱼ + g), i.e. read (W+1)·4 and
/// write W·4 bytes per element, chunked and threaded exactly like the optimizers' kernels.
/// Lion and SGD-momentum: W = 2 (20 bytes); AdamW: W = 3 (28 bytes); a Lookahead sync: read 2, write 2.
/// </summary>
internal readonly unsafe struct MemoryPass(float* g, float* a0, float* a1, float* a2, long length) : IFusedKernel
{
    public long Length => length;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, int count)
    {
        float* gg = g + start, x = a0 + start, y = a1 == null ? null : a1 + start, z = a2 == null ? null : a2 + start;
        var i = 0;
        for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var gv = Vector256.Load(gg + i);
            Vector256.Store(Vector256.Load(x + i) + gv, x + i);
            if (y != null) Vector256.Store(Vector256.Load(y + i) + gv, y + i);
            if (z != null) Vector256.Store(Vector256.Load(z + i) + gv, z + i);
        }
        for (; i < count; i++)
        {
            x[i] += gg[i];
            if (y != null) y[i] += gg[i];
            if (z != null) z[i] += gg[i];
        }
    }
}

/// <summary>The traffic of a Lookahead sync: read two arrays, write both (16 bytes per element).</summary>
internal readonly unsafe struct SyncPass(float* a, float* b, long length) : IFusedKernel
{
    public long Length => length;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, int count)
    {
        float* x = a + start, y = b + start;
        var i = 0;
        for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
        {
            var t = Vector256.Load(x + i) + Vector256.Load(y + i);
            Vector256.Store(t, x + i);
            Vector256.Store(t, y + i);
        }
        for (; i < count; i++) x[i] = y[i] = x[i] + y[i];
    }
}
