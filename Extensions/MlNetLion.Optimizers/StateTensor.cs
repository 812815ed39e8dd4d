using System.Runtime.InteropServices;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>A state tensor held in host memory: element type, shape and raw little-endian bytes.</summary>
public sealed record StateTensor(ScalarType Dtype, long[] Shape, byte[] Data)
{
    /// <summary>Copies <paramref name="tensor"/> (from any device or layout) into host memory.</summary>
    /// <exception cref="NotSupportedException">The element type is not float32, float64 or int64.</exception>
    public static StateTensor From(Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        var dtype = tensor.Dtype;
        byte[] bytes = dtype switch
        {
            ScalarType.Float32 => MemoryMarshal.AsBytes<float>(tensor.ToArray<float>()).ToArray(),
            ScalarType.Float64 => MemoryMarshal.AsBytes<double>(tensor.ToArray<double>()).ToArray(),
            ScalarType.Int64 => MemoryMarshal.AsBytes<long>(tensor.ToArray<long>()).ToArray(),
            ScalarType.BFloat16 or ScalarType.Float16 => MemoryMarshal.AsBytes<ushort>(tensor.ToArray<ushort>()).ToArray(),
            _ => throw new NotSupportedException($"Optimizer state tensors must be float32, float64, float16, bfloat16 or int64; got {dtype}."),
        };
        return new StateTensor(dtype, tensor.Shape, bytes);
    }

    /// <summary>A new tensor with these elements on <paramref name="device"/>.</summary>
    public Tensor ToTensor(Device device) => Dtype switch
    {
        ScalarType.Float32 => Tensor.From<float>(MemoryMarshal.Cast<byte, float>(Data), Shape, device),
        ScalarType.Float64 => Tensor.From<double>(MemoryMarshal.Cast<byte, double>(Data), Shape, device),
        ScalarType.Int64 => Tensor.From<long>(MemoryMarshal.Cast<byte, long>(Data), Shape, device),
        ScalarType.Float16 => Tensor.From<Half>(MemoryMarshal.Cast<byte, Half>(Data), Shape, device),
        ScalarType.BFloat16 => FromBFloat16Bits(MemoryMarshal.Cast<byte, ushort>(Data), device),
        _ => throw new NotSupportedException($"Optimizer state tensors must be float32, float64, float16, bfloat16 or int64; got {Dtype}."),
    };

    // bfloat16 is the upper half of a float32, so widening is exact and so is the conversion back.
    private Tensor FromBFloat16Bits(ReadOnlySpan<ushort> bits, Device device)
    {
        var wide = new float[bits.Length];
        for (var i = 0; i < bits.Length; i++) wide[i] = BitConverter.Int32BitsToSingle(bits[i] << 16);
        using var f = Tensor.From<float>(wide, Shape, device);
        return f.To(ScalarType.BFloat16);
    }

    /// <summary>The elements as floats (float32 tensors only).</summary>
    public float[] ToSingles() => Dtype == ScalarType.Float32
        ? MemoryMarshal.Cast<byte, float>(Data).ToArray()
        : throw new InvalidOperationException($"This state tensor is {Dtype}, not Float32.");
}
