using System.Runtime.InteropServices;

namespace MlNetLion.Torch.Native;

/// <summary>Owns one native <c>at::Tensor</c> reference; releasing it frees the reference.</summary>
internal sealed class TensorHandle : SafeHandle
{
    public TensorHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mlt_tensor_free(handle);
        return true;
    }
}

/// <summary>Owns one native module (a built <c>torch::nn</c> module or a TorchScript module).</summary>
internal sealed class NativeModuleHandle : SafeHandle
{
    public NativeModuleHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.mlt_module_free(handle);
        return true;
    }
}
