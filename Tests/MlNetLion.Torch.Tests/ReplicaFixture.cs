using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlNetLion.Torch.Tests;

/// <summary>
/// A golden fixture written by <c>Fixtures/replica_fixtures.py</c>: PyTorch's forward and backward, on one batch,
/// of the replica of one of our native models (<c>bench/pytorch/torch_models.py</c>), stored in the safetensors
/// layout (8-byte little-endian header size, JSON header, raw little-endian data). <see cref="Check"/> loads the
/// replica's weights into our model by name and compares what the two compute.
/// </summary>
internal sealed class ReplicaFixture : IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    private readonly Dictionary<string, string> _metadata;

    private ReplicaFixture(Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        _tensors = tensors;
        _metadata = metadata;
    }

    public static ReplicaFixture Load(string name)
    {
        Assert.IsTrue(BitConverter.IsLittleEndian, "the fixtures hold little-endian data");
        var bytes = File.ReadAllBytes(TestSupport.Fixture(name + ".safetensors"));
        var headerSize = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
        using var header = JsonDocument.Parse(bytes.AsMemory(8, headerSize));
        var data = bytes.AsSpan(8 + headerSize);
        var tensors = new Dictionary<string, Tensor>();
        var metadata = new Dictionary<string, string>();
        foreach (var entry in header.RootElement.EnumerateObject())
        {
            if (entry.Name == "__metadata__")
            {
                foreach (var m in entry.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            var shape = entry.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = entry.Value.GetProperty("data_offsets").EnumerateArray().Select(o => o.GetInt32()).ToArray();
            var raw = data[offsets[0]..offsets[1]];
            tensors[entry.Name] = entry.Value.GetProperty("dtype").GetString() switch
            {
                "F32" => Tensor.From<float>(MemoryMarshal.Cast<byte, float>(raw), shape),
                "I64" => Tensor.From<long>(MemoryMarshal.Cast<byte, long>(raw), shape),
                var other => throw new InvalidDataException($"{name}: tensor '{entry.Name}' has dtype {other}"),
            };
        }
        return new ReplicaFixture(tensors, metadata);
    }

    /// <summary>The options of our model that match the replica's.</summary>
    public T Options<T>() => JsonSerializer.Deserialize<T>(_metadata["options"])!;

    /// <summary>
    /// Copies the replica's parameters and buffers into <paramref name="model"/> (the names must be the same sets),
    /// runs the fixture's batch in its mode (train or eval), and asserts that the logits, the cross-entropy loss,
    /// the gradient of every parameter and the buffers afterwards (batch norm's running statistics) are PyTorch's
    /// within <paramref name="tolerance"/> (relative to 1 + |expected|), and that every parameter and gradient is
    /// contiguous (the fused optimizers and the model files take them as flat arrays).
    /// </summary>
    public void Check(Module model, double tolerance)
    {
        CopyInto(model.NamedParameters, "param/");
        CopyInto(model.NamedBuffers, "buffer/");
        model.Train(_metadata["mode"] == "train");
        model.ZeroGrad();
        using var logits = model.Forward(_tensors["input"]);
        AssertClose("logits", logits);
        using var loss = Functional.CrossEntropy(logits, _tensors["labels"]);
        AssertClose("loss", loss);
        loss.Backward();
        foreach (var (name, parameter) in model.NamedParameters)
        {
            Assert.IsTrue(parameter.IsContiguous, $"parameter '{name}' is not contiguous");
            using var grad = parameter.Grad;
            Assert.IsNotNull(grad, $"'{name}' got no gradient");
            Assert.IsTrue(grad.IsContiguous, $"the gradient of '{name}' is not contiguous");
            AssertClose("grad/" + name, grad);
        }
        foreach (var (name, buffer) in model.NamedBuffers) AssertClose("after/" + name, buffer);

        void AssertClose(string key, Tensor actual)
        {
            var expected = _tensors[key];
            CollectionAssert.AreEqual(expected.Shape, actual.Shape, $"{key}: shape");
            var e = expected.ToArray<double>();
            var a = actual.ToArray<double>();
            for (var i = 0; i < e.Length; i++)
                Assert.IsTrue(Math.Abs(a[i] - e[i]) <= tolerance * (1 + Math.Abs(e[i])), $"{key}[{i}]: {a[i]}, PyTorch {e[i]}");
        }
    }

    private void CopyInto(IReadOnlyList<NamedTensor> targets, string prefix)
    {
        var expected = _tensors.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..]).Order();
        CollectionAssert.AreEqual(expected.ToArray(), targets.Select(t => t.Name).Order().ToArray(), $"{prefix} names");
        using var _ = Torch.NoGrad();
        foreach (var (name, tensor) in targets) tensor.Copy_(_tensors[prefix + name]);
    }

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
    }
}
