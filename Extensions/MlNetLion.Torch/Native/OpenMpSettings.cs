using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlNetLion.Torch.Native;

/// <summary>
/// Sets <c>OMP_WAIT_POLICY=PASSIVE</c> for libtorch's OpenMP runtime (libgomp) unless the user set it.
/// libgomp reads it once, when libtorch is loaded, which happens at the binding's first native call, so
/// it is set when this assembly loads. Spinning OpenMP threads (libgomp's default) made CNN training 7x
/// slower (67 vs 430 samples/s on Fashion-MNIST, 2 cores) whenever another process used a core.
/// </summary>
internal static partial class OpenMpSettings
{
#pragma warning disable CA2255 // Must run before libtorch (and with it libgomp) is loaded, whichever API is used first.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null && OperatingSystem.IsLinux())
            _ = setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
