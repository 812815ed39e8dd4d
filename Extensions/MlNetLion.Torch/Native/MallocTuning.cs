namespace MlNetLion.Torch.Native;

/// <summary>
/// Tunes glibc's malloc for training when the binding loads the shim (before any tensor exists): blocks up
/// to 256 MiB come from the heap instead of a fresh <c>mmap</c> each, and up to 1 GiB of free memory at the
/// top of the heap is kept instead of returned to the kernel (<c>mallopt(M_MMAP_THRESHOLD, 256 MiB)</c> and
/// <c>mallopt(M_TRIM_THRESHOLD, 1 GiB)</c>, as <c>MALLOC_MMAP_THRESHOLD_=268435456 MALLOC_TRIM_THRESHOLD_=1073741824</c>).
/// Without it each training step maps, page-faults in and unmaps its large activation and gradient buffers
/// again (CNN 13.8k page faults a step vs PyTorch's 5.9k; docs/benchmarks.md). Skipped when the user set
/// glibc's own variables (theirs apply) or <c>MLNETLION_MALLOC_TUNING=0</c>; the shim applies it on glibc only.
/// </summary>
internal static class MallocTuning
{
    internal const string OptOutVariable = "MLNETLION_MALLOC_TUNING";

    /// <summary>glibc's variables (and their GLIBC_TUNABLES names) for what the tuning sets: when any is set, the user's settings stand.</summary>
    internal static readonly string[] UserVariables = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"];

    internal static readonly string[] UserTunables = ["glibc.malloc.mmap_threshold", "glibc.malloc.trim_threshold", "glibc.malloc.top_pad", "glibc.malloc.mmap_max"];

    /// <summary>Whether to tune, given the process environment: no opt-out (0, false, off) and none of the user's malloc settings.</summary>
    internal static bool ShouldApply(Func<string, string?> environment)
    {
        var optOut = environment(OptOutVariable)?.Trim();
        if (optOut is "0" || string.Equals(optOut, "false", StringComparison.OrdinalIgnoreCase) || string.Equals(optOut, "off", StringComparison.OrdinalIgnoreCase))
            return false;
        if (UserVariables.Any(v => environment(v) is not null))
            return false;
        var tunables = environment("GLIBC_TUNABLES");
        return tunables is null || !UserTunables.Any(t => tunables.Contains(t, StringComparison.Ordinal));
    }

    /// <summary>Called once from <see cref="NativeMethods"/>' static constructor, right after the shim is resolvable.</summary>
    internal static void Apply()
    {
        if (OperatingSystem.IsLinux() && ShouldApply(Environment.GetEnvironmentVariable))
            _ = NativeMethods.mlt_tune_malloc();
    }
}
