using System.Runtime.InteropServices;
using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>Process-wide libtorch settings: seeding, threads, CUDA discovery, grad mode and the malloc tuning.</summary>
public static class Torch
{
    /// <summary>The libtorch version the native shim was built against, e.g. "1.13.0".</summary>
    public static string Version => Marshal.PtrToStringUTF8(NativeMethods.mlt_version()) ?? "";

    /// <summary>Seeds libtorch's default generators (parameter initialisation, rand, dropout).</summary>
    public static void ManualSeed(long seed) => NativeMethods.Check(NativeMethods.mlt_manual_seed(unchecked((ulong)seed)));

    /// <summary>Intra-op threads libtorch uses. Defaults to every core unless OMP_NUM_THREADS is set.</summary>
    public static int NumThreads
    {
        get => NativeMethods.mlt_get_num_threads();
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            NativeMethods.Check(NativeMethods.mlt_set_num_threads(value));
        }
    }

    /// <summary>Number of CUDA devices this libtorch can use (0 on a CPU-only build).</summary>
    public static int CudaDeviceCount => NativeMethods.mlt_cuda_device_count();

    /// <summary>
    /// Whether the binding tuned glibc's malloc in this process when it loaded (heap instead of mmap for blocks
    /// up to 256 MiB, up to 1 GiB of freed memory kept): true by default on glibc; false when the user set
    /// <c>MLNETLION_MALLOC_TUNING=0</c> or glibc's own <c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>,
    /// <c>MALLOC_TOP_PAD_</c>, <c>MALLOC_MMAP_MAX_</c> (or their <c>GLIBC_TUNABLES</c>), and on other C libraries.
    /// </summary>
    public static bool MallocTuningApplied => NativeMethods.mlt_malloc_tuning_applied() != 0;

    /// <summary>True when at least one CUDA device is usable.</summary>
    public static bool CudaIsAvailable => CudaDeviceCount > 0;

    /// <summary>Whether operations on this thread record the autograd graph.</summary>
    public static bool IsGradEnabled => NativeMethods.mlt_grad_enabled() != 0;

    /// <summary>Disables gradient recording on this thread until the returned scope is disposed.</summary>
    /// <example><code>using (Torch.NoGrad()) { weights.Sub_(grad, alpha: lr); }</code></example>
    public static GradModeScope NoGrad() => new(enabled: false);

    /// <summary>Enables gradient recording on this thread until the returned scope is disposed.</summary>
    public static GradModeScope EnableGrad() => new(enabled: true);
}

/// <summary>Sets the thread's grad mode and restores the previous one on disposal.</summary>
public sealed class GradModeScope : IDisposable
{
    private readonly bool _previous;
    private bool _disposed;

    internal GradModeScope(bool enabled)
    {
        _previous = Torch.IsGradEnabled;
        NativeMethods.mlt_set_grad_enabled(enabled ? 1 : 0);
    }

    /// <summary>Restores the grad mode that was in force when the scope was created.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        NativeMethods.mlt_set_grad_enabled(_previous ? 1 : 0);
    }
}
