using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>Kinds of device a tensor can live on (libtorch's <c>c10::DeviceType</c> codes).</summary>
public enum DeviceType
{
    /// <summary>Host memory.</summary>
    Cpu = 0,
    /// <summary>An NVIDIA GPU.</summary>
    Cuda = 1,
}

/// <summary>Where a tensor or module lives: <see cref="Cpu"/>, <see cref="Cuda(int)"/> or <see cref="Auto"/>.</summary>
public readonly record struct Device
{
    private Device(DeviceType type, int index)
    {
        Type = type;
        Index = index;
    }

    /// <summary>The kind of device.</summary>
    public DeviceType Type { get; }

    /// <summary>The device index (-1 for the CPU).</summary>
    public int Index { get; }

    /// <summary>The host CPU.</summary>
    public static Device Cpu { get; } = new(DeviceType.Cpu, -1);

    /// <summary>The first CUDA device when this libtorch has one, else the CPU.</summary>
    public static Device Auto => Torch.CudaDeviceCount > 0 ? Cuda(0) : Cpu;

    /// <summary>CUDA device <paramref name="index"/>.</summary>
    /// <exception cref="NotSupportedException">This libtorch has no CUDA support, or fewer devices.</exception>
    public static Device Cuda(int index = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var count = Torch.CudaDeviceCount;
        if (index >= count)
        {
            throw new NotSupportedException(count == 0
                ? $"CUDA device {index} was requested, but this libtorch ({Torch.Version}) has no CUDA support or sees no GPU. " +
                  "Use Device.Cpu or Device.Auto, or build the native shim against a CUDA libtorch (see README, TorchDir)."
                : $"CUDA device {index} was requested, but only {count} CUDA device(s) are available (indices 0..{count - 1}).");
        }
        return new Device(DeviceType.Cuda, index);
    }

    /// <summary>Parses "cpu", "cuda", "cuda:N" or "auto" (case-insensitive).</summary>
    public static Device Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "auto") return Auto;
        if (t == "cuda") return Cuda(0);
        if (t.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(5), out var i)) return Cuda(i);
        throw new FormatException($"'{text}' is not a device; expected cpu, cuda, cuda:N or auto.");
    }

    internal static Device FromNative(int type, int index) => new((DeviceType)type, index);

    /// <inheritdoc />
    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
