using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// The optimizer state of one parameter: named tensors (e.g. Lion's <c>exp_avg</c>) and named scalars
/// (e.g. AdamW's <c>step</c>). The optimizer owns the tensors. Everything here goes into the state dict.
/// </summary>
public sealed class ParamState : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _scalars = new(StringComparer.Ordinal);

    /// <summary>State tensors by name, in insertion order of their names (sorted when saved).</summary>
    public IReadOnlyDictionary<string, Tensor> Tensors => _tensors;

    /// <summary>State scalars by name.</summary>
    public IReadOnlyDictionary<string, double> Scalars => _scalars;

    /// <summary>The state tensor <paramref name="name"/>, or null.</summary>
    public Tensor? TensorOrNull(string name) => _tensors.GetValueOrDefault(name);

    /// <summary>The state tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none (the message lists the names there are).</exception>
    public Tensor Tensor(string name) => _tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"No state tensor '{name}' (there are: {string.Join(", ", _tensors.Keys)}).");

    /// <summary>Stores <paramref name="tensor"/> (now owned by the state) under <paramref name="name"/>, disposing a previous one.</summary>
    public void SetTensor(string name, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        if (_tensors.Remove(name, out var old) && !ReferenceEquals(old, tensor)) old.Dispose();
        _tensors[name] = tensor;
    }

    /// <summary>The scalar <paramref name="name"/>, or <paramref name="fallback"/>.</summary>
    public double Scalar(string name, double fallback = 0) => _scalars.GetValueOrDefault(name, fallback);

    /// <summary>Sets the scalar <paramref name="name"/>.</summary>
    public void SetScalar(string name, double value) => _scalars[name] = value;

    /// <summary>True before the first update created any state.</summary>
    public bool IsEmpty => _tensors.Count == 0 && _scalars.Count == 0;

    /// <summary>Frees the state tensors.</summary>
    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
        _scalars.Clear();
    }
}
