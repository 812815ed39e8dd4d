using System.Runtime.InteropServices;

namespace MlNetLion.Torch.Native;

/// <summary>
/// The C ABI of <c>native/</c> (libmlnetlion_native.so). Status-returning functions give 0 on
/// success and -1 on error; handle-returning ones give an invalid handle on error. In both cases
/// <see cref="mlt_last_error"/> holds libtorch's message; <see cref="Check(int)"/> turns it into a
/// <see cref="TorchException"/>.
/// </summary>
internal static partial class NativeMethods
{
    private const string Lib = "mlnetlion_native";

    static NativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
        // First native call: loads the shim and libtorch, and tunes malloc before any tensor is allocated.
        MallocTuning.Apply();
        // libtorch may start with a single intra-op thread; default to every core unless the
        // user set a thread count through the usual environment variables.
        if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null &&
            Environment.GetEnvironmentVariable("MKL_NUM_THREADS") is null)
        {
            mlt_set_num_threads(Environment.ProcessorCount);
        }
    }

    /// <summary>Loads the shim as the runtime would, but says what to install when it or libtorch is missing.</summary>
    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Lib) return IntPtr.Zero;
        try
        {
            return NativeLibrary.Load(name, assembly, searchPath);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException(
                "mlnet-lion could not load its native library (libmlnetlion_native.so) or libtorch 1.13, which that library needs. " +
                "Install libtorch: on Debian 12 'sudo apt-get install libtorch1.13 libopencv-imgcodecs406' (or libtorch-dev; " +
                "'bash eng/install.sh' in the mlnet-lion repository installs everything); for another libtorch build (e.g. CUDA), " +
                $"add its lib folder to LD_LIBRARY_PATH. The loader said: {e.Message}", e);
        }
    }

    internal static TensorHandle Check(TensorHandle handle) =>
        handle.IsInvalid ? throw TorchException.FromNative() : handle;

    internal static NativeModuleHandle Check(NativeModuleHandle handle) =>
        handle.IsInvalid ? throw TorchException.FromNative() : handle;

    internal static int Check(int status) =>
        status < 0 ? throw TorchException.FromNative() : status;

    internal static string LastError() => Marshal.PtrToStringUTF8(mlt_last_error()) ?? "";

    // runtime
    [LibraryImport(Lib)] internal static partial IntPtr mlt_last_error();
    [LibraryImport(Lib)] internal static partial IntPtr mlt_version();
    [LibraryImport(Lib)] internal static partial int mlt_set_num_threads(int n);
    [LibraryImport(Lib)] internal static partial int mlt_get_num_threads();
    [LibraryImport(Lib)] internal static partial int mlt_manual_seed(ulong seed);
    [LibraryImport(Lib)] internal static partial int mlt_cuda_device_count();
    [LibraryImport(Lib)] internal static partial int mlt_tune_malloc();
    [LibraryImport(Lib)] internal static partial int mlt_malloc_tuning_applied();
    [LibraryImport(Lib)] internal static partial int mlt_grad_enabled();
    [LibraryImport(Lib)] internal static partial void mlt_set_grad_enabled(int enabled);

    // tensor lifetime, creation, metadata
    [LibraryImport(Lib)] internal static partial void mlt_tensor_free(IntPtr t);
    [LibraryImport(Lib)]
    internal static unsafe partial TensorHandle mlt_tensor_from_data(void* data, long bytes, int dtype,
        long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)]
    internal static unsafe partial TensorHandle mlt_tensor_new(int kind, double value, int dtype,
        long* shape, int ndim, int deviceType, int deviceIndex, int requiresGrad);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_ndim(TensorHandle t);
    [LibraryImport(Lib)] internal static unsafe partial void mlt_tensor_shape(TensorHandle t, long* shape);
    [LibraryImport(Lib)] internal static partial long mlt_tensor_numel(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_dtype(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_device_type(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_device_index(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_is_contiguous(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr mlt_tensor_data_ptr(TensorHandle t);
    [LibraryImport(Lib)] internal static unsafe partial int mlt_tensor_copy_to(TensorHandle t, void* dst, long bytes);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_item(TensorHandle t, out double value);
    [LibraryImport(Lib)]
    internal static partial TensorHandle mlt_tensor_to(TensorHandle t, int deviceType, int deviceIndex, int dtype, int copy);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_tensor_derive(TensorHandle t, int kind);
    [LibraryImport(Lib)] internal static unsafe partial TensorHandle mlt_tensor_reshape(TensorHandle t, long* shape, int ndim);

    // autograd
    [LibraryImport(Lib)] internal static partial int mlt_tensor_requires_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_set_requires_grad(TensorHandle t, int value);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_is_leaf(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_backward(TensorHandle t);
    [LibraryImport(Lib)] internal static partial IntPtr mlt_tensor_grad(TensorHandle t);
    [LibraryImport(Lib)] internal static partial int mlt_tensor_set_grad(TensorHandle t, TensorHandle grad);
    [LibraryImport(Lib, EntryPoint = "mlt_tensor_set_grad")]
    internal static partial int mlt_tensor_clear_grad(TensorHandle t, IntPtr none);

    // ops
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_unary(int op, TensorHandle a);
    [LibraryImport(Lib)] internal static partial int mlt_unary_(int op, TensorHandle a);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_binary(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int mlt_binary_(int op, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_scalar(int op, TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial int mlt_scalar_(int op, TensorHandle a, double s);
    [LibraryImport(Lib)] internal static partial int mlt_add_scaled_(TensorHandle a, TensorHandle b, double alpha);
    [LibraryImport(Lib)]
    internal static partial int mlt_addc_(int kind, TensorHandle a, TensorHandle t1, TensorHandle t2, double value);
    [LibraryImport(Lib)] internal static partial int mlt_lerp_(TensorHandle a, TensorHandle end, double weight);
    [LibraryImport(Lib)]
    internal static partial TensorHandle mlt_clamp(TensorHandle a, int hasMin, double min, int hasMax, double max, int inplace);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_where(TensorHandle condition, TensorHandle a, TensorHandle b);
    [LibraryImport(Lib)] internal static partial int mlt_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Lib)] internal static partial int mlt_zero_(TensorHandle a);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_reduce(int kind, TensorHandle a);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_norm(TensorHandle a, double p);
    [LibraryImport(Lib)] internal static partial int mlt_all_finite(TensorHandle a);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_along_dim(int kind, TensorHandle a, long dim);
    [LibraryImport(Lib)]
    internal static partial TensorHandle mlt_cross_entropy(TensorHandle logits, TensorHandle target, int reduction, double labelSmoothing);

    // modules
    [LibraryImport(Lib)] internal static partial void mlt_string_free(IntPtr s);
    [LibraryImport(Lib)] internal static partial void mlt_module_free(IntPtr m);
    [LibraryImport(Lib)] internal static partial NativeModuleHandle mlt_sequential_new();
    [LibraryImport(Lib)] internal static partial int mlt_sequential_add(NativeModuleHandle m, int kind, long a, long b, long c, double p);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeModuleHandle mlt_jit_load(string path, int deviceType, int deviceIndex);
    [LibraryImport(Lib)] internal static partial int mlt_module_is_torchscript(NativeModuleHandle m);
    [LibraryImport(Lib)] internal static partial TensorHandle mlt_module_forward(NativeModuleHandle m, TensorHandle x);
    [LibraryImport(Lib)] internal static partial int mlt_module_train(NativeModuleHandle m, int on);
    [LibraryImport(Lib)] internal static partial int mlt_module_is_training(NativeModuleHandle m);
    [LibraryImport(Lib)] internal static partial int mlt_module_to(NativeModuleHandle m, int deviceType, int deviceIndex);
    [LibraryImport(Lib)]
    internal static unsafe partial int mlt_module_named(NativeModuleHandle m, int buffers, IntPtr* names, IntPtr* tensors, int count);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mlt_module_save_state(NativeModuleHandle m, string path);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mlt_module_load_state(NativeModuleHandle m, string path);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int mlt_jit_save(NativeModuleHandle m, string path);
}
