using System.Runtime.InteropServices;
using MlNetLion.Torch.Native;

namespace MlNetLion.Torch;

/// <summary>A tensor with the dotted name it has inside a module (e.g. "0.weight").</summary>
public sealed record NamedTensor(string Name, Tensor Tensor);

/// <summary>
/// A libtorch module: a <see cref="Sequential"/> model or a classifier from <see cref="Models"/> built
/// natively, or a TorchScript module a user exported from PyTorch (<see cref="LoadTorchScript"/>). Its
/// parameters are tensors sharing storage with the module, owned by the module and disposed with it.
/// </summary>
public sealed class Module : IDisposable
{
    private readonly NativeModuleHandle _handle;
    private IReadOnlyList<NamedTensor>? _parameters;
    private IReadOnlyList<NamedTensor>? _buffers;

    internal Module(NativeModuleHandle handle) => _handle = handle;

    /// <summary>Builds a feed-forward model from <paramref name="layers"/>; parameters are named "index.weight" / "index.bias".</summary>
    public static Module Sequential(params Layer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var module = new Module(NativeMethods.Check(NativeMethods.mlt_sequential_new()));
        foreach (var l in layers)
            NativeMethods.Check(NativeMethods.mlt_sequential_add(module._handle, l.Kind, l.A, l.B, l.C, l.P));
        return module;
    }

    /// <summary>Loads a TorchScript module saved by PyTorch (<c>torch.jit.save</c>), onto <paramref name="device"/>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="TorchException">The file is not a TorchScript archive libtorch can read.</exception>
    public static Module LoadTorchScript(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"TorchScript file '{path}' does not exist.", path);
        var d = device ?? Device.Cpu;
        return new Module(NativeMethods.Check(NativeMethods.mlt_jit_load(path, (int)d.Type, d.Index)));
    }

    /// <summary>True for modules loaded from TorchScript.</summary>
    public bool IsTorchScript => NativeMethods.mlt_module_is_torchscript(_handle) != 0;

    /// <summary>Trainable parameters in registration order, owned by the module.</summary>
    public IReadOnlyList<NamedTensor> NamedParameters => _parameters ??= Named(buffers: false);

    /// <summary>Buffers (e.g. batch-norm running statistics), owned by the module.</summary>
    public IReadOnlyList<NamedTensor> NamedBuffers => _buffers ??= Named(buffers: true);

    /// <summary>The parameter tensors, in order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters.Select(p => p.Tensor);

    /// <summary>Total number of trainable scalars.</summary>
    public long ParameterCount => NamedParameters.Sum(p => p.Tensor.NumberOfElements);

    /// <summary>Whether the module is in training mode (dropout active, batch-norm updating).</summary>
    public bool IsTraining => NativeMethods.mlt_module_is_training(_handle) != 0;

    /// <summary>Switches training mode on or off.</summary>
    public Module Train(bool on = true)
    {
        NativeMethods.Check(NativeMethods.mlt_module_train(_handle, on ? 1 : 0));
        return this;
    }

    /// <summary>Switches to evaluation mode.</summary>
    public Module Eval() => Train(false);

    /// <summary>Moves parameters and buffers to <paramref name="device"/> in place; parameter tensors follow.</summary>
    public Module To(Device device)
    {
        NativeMethods.Check(NativeMethods.mlt_module_to(_handle, (int)device.Type, device.Index));
        return this;
    }

    /// <summary>Runs the module on <paramref name="input"/>.</summary>
    public Tensor Forward(Tensor input) => new(NativeMethods.Check(NativeMethods.mlt_module_forward(_handle, input.Handle)));

    /// <summary>Sets every parameter's gradient to zero in place (leaving absent gradients absent).</summary>
    public void ZeroGrad()
    {
        foreach (var p in NamedParameters) p.Tensor.ZeroGrad();
    }

    /// <summary>Writes parameters and buffers, by name, to <paramref name="path"/> atomically
    /// (a temporary file renamed over the target, so an existing file is never half-written).</summary>
    public void SaveState(string path) => AtomicFile.Write(path, tmp => NativeMethods.Check(NativeMethods.mlt_module_save_state(_handle, tmp)));

    /// <summary>Loads parameters and buffers saved by <see cref="SaveState"/> into this module, in place.</summary>
    /// <exception cref="TorchException">A tensor is missing or has another shape (the message names it).</exception>
    public void LoadState(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"State file '{path}' does not exist.", path);
        NativeMethods.Check(NativeMethods.mlt_module_load_state(_handle, path));
    }

    /// <summary>Saves a TorchScript module (code and current weights) for <c>torch.jit.load</c>, atomically.</summary>
    public void SaveTorchScript(string path) => AtomicFile.Write(path, tmp => NativeMethods.Check(NativeMethods.mlt_jit_save(_handle, tmp)));

    private unsafe IReadOnlyList<NamedTensor> Named(bool buffers)
    {
        var kind = buffers ? 1 : 0;
        var count = NativeMethods.Check(NativeMethods.mlt_module_named(_handle, kind, null, null, 0));
        if (count == 0) return [];
        var pointers = new IntPtr[count];
        IntPtr names;
        fixed (IntPtr* p = pointers)
            NativeMethods.Check(NativeMethods.mlt_module_named(_handle, kind, &names, p, count));
        string joined;
        try { joined = Marshal.PtrToStringUTF8(names) ?? ""; }
        finally { NativeMethods.mlt_string_free(names); }
        var split = joined.Split('\n');
        return pointers.Select((ptr, i) => new NamedTensor(split[i], Tensor.FromPointer(ptr))).ToArray();
    }

    /// <summary>Frees the module and the parameter/buffer tensors it handed out.</summary>
    public void Dispose()
    {
        foreach (var t in (_parameters ?? []).Concat(_buffers ?? [])) t.Tensor.Dispose();
        _handle.Dispose();
    }
}
