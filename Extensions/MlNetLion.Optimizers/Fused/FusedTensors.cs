using MlNetLion.Torch;

namespace MlNetLion.Optimizers.Fused;

/// <summary>Which tensors the fused CPU kernels can work on directly, and their raw addresses.</summary>
internal static class FusedTensors
{
    /// <summary>True for a contiguous float32 tensor in host memory (zero-copy, SIMD-friendly).</summary>
    public static bool IsFusable(Tensor t) =>
        t.Dtype == ScalarType.Float32 && t.Device.Type == DeviceType.Cpu && t.IsContiguous;

    /// <summary>The address of the first float of a fusable tensor.</summary>
    public static unsafe float* Pointer(Tensor t) => (float*)t.DataPointer;
}
