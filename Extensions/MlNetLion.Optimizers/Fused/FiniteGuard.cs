using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MlNetLion.Optimizers.Fused;

/// <summary>
/// The finite-gradient check of one step under <see cref="NonFiniteGradientPolicy.Throw"/> on the fused
/// path, done inside the update kernels (see <see cref="CheckedKernel{TKernel}"/>) instead of as a separate
/// pass: each slice of <see cref="SliceElements"/> gradient values is scanned right before the kernel updates
/// it, while it is still in L1. A slice that holds NaN/±∞ is not written; it rejects its parameter and stops
/// the step: from then on every kernel only scans what it has left, writing nothing, so that
/// <see cref="FirstRejected"/> is the lowest-index parameter with a non-finite gradient.
/// </summary>
internal sealed class FiniteGuard(int parameterCount)
{
    /// <summary>Gradient values scanned and then updated at a time: 4 KiB of float32, small enough to
    /// stay in L1 between the scan and the update (larger slices measured slower at 32M parameters).</summary>
    internal const int SliceElements = 1 << 10;

    private const int ExponentMask = 0x7F800000;
    private readonly int[] _rejected = new int[parameterCount];
    private volatile bool _stopped;

    /// <summary>True once any slice was rejected: the step will throw, so no kernel writes anymore.</summary>
    public bool Stopped => _stopped;

    /// <summary>The lowest parameter index rejected, or -1. Read after the kernels have finished.</summary>
    public int FirstRejected => Array.IndexOf(_rejected, 1);

    /// <summary>Marks parameter <paramref name="index"/> as having a non-finite gradient.</summary>
    public void Reject(int index)
    {
        Volatile.Write(ref _rejected[index], 1);
        _stopped = true;
    }

    /// <summary>After a stop: scans elements [start, start + count) of parameter <paramref name="index"/>'s
    /// gradient without updating anything, so that a lower-index bad parameter is still found.</summary>
    public unsafe void ScanOnly(float* gradient, long start, int count, int index)
    {
        if (Volatile.Read(ref _rejected[index]) == 0 && !AllFinite(gradient + start, count)) Reject(index);
    }

    /// <summary>
    /// True when no value is NaN or ±∞, i.e. no float has all exponent bits set: the integer max of the
    /// bits without the sign stays below 0x7F800000. Four independent accumulators.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe bool AllFinite(float* data, int count)
    {
        var p = (int*)data;
        var abs = Vector256.Create(0x7FFFFFFF);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default;
        const int n = 8;
        var i = 0;
        for (; i <= count - 4 * n; i += 4 * n)
        {
            a0 = Vector256.Max(a0, Vector256.Load(p + i) & abs);
            a1 = Vector256.Max(a1, Vector256.Load(p + i + n) & abs);
            a2 = Vector256.Max(a2, Vector256.Load(p + i + 2 * n) & abs);
            a3 = Vector256.Max(a3, Vector256.Load(p + i + 3 * n) & abs);
        }
        var max = Vector256.Max(Vector256.Max(a0, a1), Vector256.Max(a2, a3));
        var ok = Vector256.LessThanAll(max, Vector256.Create(ExponentMask));
        for (; i < count; i++) ok &= (p[i] & 0x7FFFFFFF) < ExponentMask;
        return ok;
    }
}

/// <summary>
/// A fused update kernel with the finite check of its gradient folded in: with a <see cref="FiniteGuard"/>,
/// each range is updated slice by slice, each slice only after its gradient values were found finite;
/// without one (gradients already checked, or not to be checked) it is the bare kernel.
/// </summary>
internal readonly unsafe struct CheckedKernel<TKernel>(TKernel kernel, float* gradient, int index, FiniteGuard? guard) : IFusedKernel
    where TKernel : struct, IFusedKernel
{
    public long Length => kernel.Length;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Run(long start, int count)
    {
        if (guard is null)
        {
            kernel.Run(start, count);
            return;
        }
        for (var s = 0; s < count; s += FiniteGuard.SliceElements)
        {
            var n = Math.Min(FiniteGuard.SliceElements, count - s);
            if (guard.Stopped)
            {
                guard.ScanOnly(gradient, start + s, count - s, index);
                return;
            }
            if (!FiniteGuard.AllFinite(gradient + start + s, n))
            {
                guard.Reject(index);
                return;
            }
            kernel.Run(start + s, n);
        }
    }
}
