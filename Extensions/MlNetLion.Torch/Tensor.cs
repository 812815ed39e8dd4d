using System.Runtime.InteropServices;
using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>
/// A libtorch tensor on any device. Each <see cref="Tensor"/> owns one native reference and
/// frees it on <see cref="Dispose"/> (or, as a last resort, on finalization). Operations return
/// new tensors the caller owns; methods ending in <c>_</c> modify this tensor in place and
/// return it. Shapes, dtypes and semantics follow PyTorch.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    internal Tensor(TensorHandle handle) => Handle = handle;

    internal TensorHandle Handle { get; }

    // ---- creation ------------------------------------------------------------------------

    /// <summary>Copies <paramref name="data"/> into a new tensor of the given shape.</summary>
    /// <param name="data">Elements in row-major order; their count must equal the shape's product.</param>
    /// <param name="shape">The shape; empty for a scalar.</param>
    /// <param name="device">Where the tensor lives (default: CPU).</param>
    /// <param name="requiresGrad">Whether autograd records operations on it.</param>
    public static unsafe Tensor From<T>(ReadOnlySpan<T> data, ReadOnlySpan<long> shape, Device? device = null,
        bool requiresGrad = false) where T : unmanaged
    {
        var dtype = ScalarTypes.Of<T>();
        var d = device ?? Device.Cpu;
        fixed (T* p = data)
        fixed (long* s = shape)
        {
            var bytes = (long)data.Length * sizeof(T);
            return new Tensor(NativeMethods.Check(NativeMethods.mlt_tensor_from_data(p, bytes, (int)dtype, s,
                shape.Length, (int)d.Type, d.Index, requiresGrad ? 1 : 0)));
        }
    }

    /// <summary>Copies an array into a new tensor; without a shape the tensor is one-dimensional.</summary>
    public static Tensor From<T>(T[] data, params long[] shape) where T : unmanaged =>
        From(new ReadOnlySpan<T>(data), shape.Length == 0 ? [(long)data.Length] : new ReadOnlySpan<long>(shape));

    /// <summary>A scalar (zero-dimensional) tensor.</summary>
    public static Tensor Scalar<T>(T value, Device? device = null) where T : unmanaged =>
        From<T>([value], ReadOnlySpan<long>.Empty, device);

    /// <summary>An uninitialised tensor.</summary>
    public static Tensor Empty(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(0, 0, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(1, 0, shape, dtype, device, requiresGrad);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(2, 0, shape, dtype, device, requiresGrad);

    /// <summary>A tensor filled with <paramref name="value"/>.</summary>
    public static Tensor Full(long[] shape, double value, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(3, value, shape, dtype, device, requiresGrad);

    /// <summary>Uniform samples from [0, 1), drawn from libtorch's seeded generator.</summary>
    public static Tensor Rand(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(4, 0, shape, dtype, device, requiresGrad);

    /// <summary>Standard normal samples, drawn from libtorch's seeded generator.</summary>
    public static Tensor Randn(long[] shape, ScalarType dtype = ScalarType.Float32, Device? device = null, bool requiresGrad = false) =>
        New(5, 0, shape, dtype, device, requiresGrad);

    private static unsafe Tensor New(int kind, double value, long[] shape, ScalarType dtype, Device? device, bool requiresGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var d = device ?? Device.Cpu;
        fixed (long* s = shape)
        {
            return new Tensor(NativeMethods.Check(NativeMethods.mlt_tensor_new(kind, value, (int)dtype, s, shape.Length,
                (int)d.Type, d.Index, requiresGrad ? 1 : 0)));
        }
    }

    // ---- metadata ------------------------------------------------------------------------

    /// <summary>Number of dimensions.</summary>
    public int Dim => NativeMethods.mlt_tensor_ndim(Handle);

    /// <summary>The size of each dimension.</summary>
    public unsafe long[] Shape
    {
        get
        {
            var shape = new long[Dim];
            fixed (long* p = shape) NativeMethods.mlt_tensor_shape(Handle, p);
            return shape;
        }
    }

    /// <summary>Total number of elements.</summary>
    public long NumberOfElements => NativeMethods.mlt_tensor_numel(Handle);

    /// <summary>The element type.</summary>
    public ScalarType Dtype => (ScalarType)NativeMethods.mlt_tensor_dtype(Handle);

    /// <summary>The device holding the elements.</summary>
    public Device Device => Device.FromNative(NativeMethods.mlt_tensor_device_type(Handle), NativeMethods.mlt_tensor_device_index(Handle));

    /// <summary>True when the elements are laid out densely in row-major order.</summary>
    public bool IsContiguous => NativeMethods.mlt_tensor_is_contiguous(Handle) != 0;

    /// <inheritdoc />
    public override string ToString() => $"Tensor[{string.Join(", ", Shape)}] {Dtype} on {Device}";

    // ---- data ----------------------------------------------------------------------------

    /// <summary>
    /// A zero-copy view of the elements of a contiguous CPU tensor. The span is valid while this
    /// tensor (and its storage) lives and is not resized; writes go straight to libtorch's memory.
    /// <typeparamref name="T"/> must be the element type (or <see cref="ushort"/> for raw 16-bit floats).
    /// </summary>
    public unsafe Span<T> AsSpan<T>() where T : unmanaged
    {
        if (!ScalarTypes.CanView<T>(Dtype))
            throw new InvalidOperationException($"A {Dtype} tensor cannot be viewed as {typeof(T).Name} elements.");
        var n = NumberOfElements;
        if (n > int.MaxValue)
            throw new InvalidOperationException($"The tensor has {n} elements, more than a span can address; use DataPointer.");
        return new Span<T>((void*)DataPointer, (int)n);
    }

    /// <summary>Address of the first element of a contiguous CPU tensor (for native kernels).</summary>
    public IntPtr DataPointer
    {
        get
        {
            var p = NativeMethods.mlt_tensor_data_ptr(Handle);
            return p == IntPtr.Zero && NumberOfElements > 0 ? throw TorchException.FromNative() : p;
        }
    }

    /// <summary>Copies the elements (from any device or layout) into <paramref name="destination"/>,
    /// whose length must equal <see cref="NumberOfElements"/> and whose type must be the element type.</summary>
    public unsafe void CopyTo<T>(Span<T> destination) where T : unmanaged
    {
        if (!ScalarTypes.CanView<T>(Dtype))
            throw new InvalidOperationException($"A {Dtype} tensor cannot be copied into {typeof(T).Name} elements; convert it with To(ScalarType) first.");
        fixed (T* p = destination)
            NativeMethods.Check(NativeMethods.mlt_tensor_copy_to(Handle, p, (long)destination.Length * sizeof(T)));
    }

    /// <summary>The elements as a new array of <typeparamref name="T"/>, converting the element type if needed.</summary>
    public T[] ToArray<T>() where T : unmanaged
    {
        if (ScalarTypes.CanView<T>(Dtype))
        {
            var result = new T[checked((int)NumberOfElements)];
            CopyTo<T>(result);
            return result;
        }
        using var converted = To(ScalarTypes.Of<T>());
        return converted.ToArray<T>();
    }

    /// <summary>The value of a one-element tensor.</summary>
    public double ToDouble()
    {
        NativeMethods.Check(NativeMethods.mlt_tensor_item(Handle, out var value));
        return value;
    }

    /// <summary>The value of a one-element tensor, as float.</summary>
    public float ToSingle() => (float)ToDouble();

    // ---- conversion ----------------------------------------------------------------------

    /// <summary>This tensor on <paramref name="device"/> (a new handle to the same tensor when it is already there).</summary>
    public Tensor To(Device device) => To(device, Dtype);

    /// <summary>This tensor converted to <paramref name="dtype"/>.</summary>
    public Tensor To(ScalarType dtype) => To(Device, dtype);

    /// <summary>This tensor on <paramref name="device"/> with element type <paramref name="dtype"/>.</summary>
    public Tensor To(Device device, ScalarType dtype, bool copy = false) =>
        new(NativeMethods.Check(NativeMethods.mlt_tensor_to(Handle, (int)device.Type, device.Index, (int)dtype, copy ? 1 : 0)));

    /// <summary>A copy with its own storage (recorded by autograd).</summary>
    public Tensor Clone() => Derive(0);

    /// <summary>A tensor sharing storage but cut from the autograd graph.</summary>
    public Tensor Detach() => Derive(1);

    /// <summary>This tensor, or a contiguous copy of it.</summary>
    public Tensor Contiguous() => Derive(2);

    /// <summary>A second handle to the very same tensor (same storage, same autograd identity).</summary>
    public Tensor Alias() => Derive(3);

    private Tensor Derive(int kind) => new(NativeMethods.Check(NativeMethods.mlt_tensor_derive(Handle, kind)));

    /// <summary>The same elements in another shape (a view when possible); one dimension may be -1.</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape)
            return new Tensor(NativeMethods.Check(NativeMethods.mlt_tensor_reshape(Handle, s, shape.Length)));
    }

    // ---- autograd ------------------------------------------------------------------------

    /// <summary>Whether autograd records operations on this tensor (only leaf tensors can be changed).</summary>
    public bool RequiresGrad
    {
        get => NativeMethods.mlt_tensor_requires_grad(Handle) != 0;
        set => NativeMethods.Check(NativeMethods.mlt_tensor_set_requires_grad(Handle, value ? 1 : 0));
    }

    /// <summary>True for tensors created by the user (not results of recorded operations).</summary>
    public bool IsLeaf => NativeMethods.mlt_tensor_is_leaf(Handle) != 0;

    /// <summary>Computes gradients of this scalar with respect to every leaf that requires them,
    /// accumulating into their <see cref="Grad"/>.</summary>
    public void Backward() => NativeMethods.Check(NativeMethods.mlt_tensor_backward(Handle));

    /// <summary>
    /// The accumulated gradient, or null. Reading returns a new handle (dispose it) that shares the
    /// gradient's storage, so in-place changes to it change the gradient. Setting null removes it;
    /// a set gradient must match this tensor's shape, dtype and device.
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            var p = NativeMethods.mlt_tensor_grad(Handle);
            if (p == IntPtr.Zero)
            {
                var error = NativeMethods.LastError();
                return error.Length == 0 ? null : throw new TorchException(error);
            }
            return FromPointer(p);
        }
        set => NativeMethods.Check(value is null
            ? NativeMethods.mlt_tensor_clear_grad(Handle, IntPtr.Zero)
            : NativeMethods.mlt_tensor_set_grad(Handle, value.Handle));
    }

    /// <summary>Sets the gradient to zero in place (PyTorch's <c>grad.zero_()</c>), if there is one.</summary>
    public void ZeroGrad()
    {
        using var g = Grad;
        g?.Zero_();
    }

    internal static Tensor FromPointer(IntPtr pointer)
    {
        var handle = new TensorHandle();
        Marshal.InitHandle(handle, pointer);
        return new Tensor(handle);
    }

    /// <summary>Frees the native reference now.</summary>
    public void Dispose() => Handle.Dispose();
}
