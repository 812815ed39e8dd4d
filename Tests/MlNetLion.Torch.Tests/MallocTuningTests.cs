using System.Runtime.InteropServices;
using MlNetLion.Torch.Native;

namespace MlNetLion.Torch.Tests;

/// <summary>The glibc malloc tuning the binding applies when it loads (<see cref="Torch.MallocTuningApplied"/>).</summary>
[TestClass]
public sealed class MallocTuningTests
{
    [TestMethod]
    public void AppliedByDefault_UnlessThisProcessOptedOutOrSetGlibcsVariables()
    {
        var expected = IsGlibc() && MallocTuning.ShouldApply(Environment.GetEnvironmentVariable);
        Assert.AreEqual(expected, Torch.MallocTuningApplied,
            $"glibc {IsGlibc()}, {MallocTuning.OptOutVariable}={Environment.GetEnvironmentVariable(MallocTuning.OptOutVariable) ?? "(unset)"}, " +
            string.Join(", ", MallocTuning.UserVariables.Select(v => $"{v}={Environment.GetEnvironmentVariable(v) ?? "(unset)"}")));
    }

    [TestMethod]
    public void WhenApplied_A48MiBTensorComesFromTheHeap_NotFromItsOwnMmap()
    {
        if (!Torch.MallocTuningApplied)
            Assert.Inconclusive("malloc tuning is off in this process (opt-out, the user's MALLOC_* variables, or not glibc)");
        const long bytes = 48L << 20; // above glibc's largest dynamic mmap threshold (32 MiB): without the tuning, always an mmap
        GC.Collect();
        GC.WaitForPendingFinalizers(); // no tensor finalizer frees memory while we measure
        var before = mallinfo2();
        using var t = Tensor.Zeros([bytes / sizeof(float)]);
        var during = mallinfo2();
        var mapped = (long)(during.hblkhd - before.hblkhd);
        var fromHeap = (long)during.uordblks - (long)before.uordblks;
        Assert.IsLessThan(bytes, mapped, $"mmapped bytes grew by {mapped}");
        Assert.IsGreaterThanOrEqualTo(bytes, fromHeap, $"heap bytes in use grew by {fromHeap}");
    }

    [TestMethod]
    public void ShouldApply_RespectsTheOptOutAndTheUsersOwnMallocSettings()
    {
        static bool With(params (string Name, string Value)[] vars) =>
            MallocTuning.ShouldApply(name => vars.FirstOrDefault(v => v.Name == name).Value);

        Assert.IsTrue(With());
        Assert.IsTrue(With(("MLNETLION_MALLOC_TUNING", "1")));
        Assert.IsTrue(With(("GLIBC_TUNABLES", "glibc.malloc.arena_max=2")), "other tunables leave the tuning on");
        foreach (var off in new[] { "0", "false", "OFF", " 0 " })
            Assert.IsFalse(With(("MLNETLION_MALLOC_TUNING", off)), off);
        foreach (var name in new[] { "MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_" })
            Assert.IsFalse(With((name, "131072")), name);
        Assert.IsFalse(With(("GLIBC_TUNABLES", "glibc.malloc.arena_max=2:glibc.malloc.trim_threshold=0")));
    }

    private static bool IsGlibc()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>glibc's struct mallinfo2 (2.33 and later): ten size_t counters.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

#pragma warning disable SYSLIB1054 // A struct return needs unsafe code with LibraryImport; this project has none.
    [DllImport("libc")] private static extern MallInfo2 mallinfo2();
    [DllImport("libc")] private static extern IntPtr gnu_get_libc_version();
#pragma warning restore SYSLIB1054
}
