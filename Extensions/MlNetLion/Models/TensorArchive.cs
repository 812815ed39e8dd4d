using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>
/// Named tensors in a stream: a module's parameters and buffers inside model files and checkpoints.
/// Format: magic "MLNLTNSR" · int32 version · int32 count · (str name · int32 dtype · int32 ndim ·
/// int64[ndim] shape · int32 byte count · bytes)*.
/// </summary>
internal static class TensorArchive
{
    private const int Version = 1;
    private static readonly byte[] Magic = "MLNLTNSR"u8.ToArray();

    /// <summary>The parameters and buffers of <paramref name="module"/>, copied to host memory.</summary>
    public static Dictionary<string, StateTensor> Snapshot(Module module) =>
        module.NamedParameters.Concat(module.NamedBuffers).ToDictionary(t => t.Name, t => StateTensor.From(t.Tensor));

    public static void Write(Stream stream, IReadOnlyDictionary<string, StateTensor> tensors)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write(tensors.Count);
        foreach (var (name, t) in tensors)
        {
            w.Write(name);
            w.Write((int)t.Dtype);
            w.Write(t.Shape.Length);
            foreach (var d in t.Shape) w.Write(d);
            w.Write(t.Data.Length);
            w.Write(t.Data);
        }
    }

    /// <exception cref="InvalidDataException">The stream is not a tensor archive of this version, or it is truncated or corrupt.</exception>
    public static Dictionary<string, StateTensor> Read(Stream stream, string what)
    {
        using var r = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic)) throw new InvalidDataException($"{what} does not hold mlnet-lion tensors.");
            var version = r.ReadInt32();
            if (version != Version) throw new InvalidDataException($"{what} has tensor format version {version}; this library reads {Version}.");
            var count = (int)Size(r.ReadInt32(), "tensor count");
            var result = new Dictionary<string, StateTensor>();
            for (var i = 0; i < count; i++)
            {
                var name = r.ReadString();
                var dtype = (ScalarType)r.ReadInt32();
                var shape = new long[Size(r.ReadInt32(), $"rank of tensor '{name}'", max: 64)];
                for (var d = 0; d < shape.Length; d++) shape[d] = Size(r.ReadInt64(), $"shape of tensor '{name}'");
                var length = (int)Size(r.ReadInt32(), $"byte count of tensor '{name}'");
                var data = r.ReadBytes(length);
                if (data.Length != length) throw new InvalidDataException($"{what} is truncated in tensor '{name}'.");
                result[name] = new StateTensor(dtype, shape, data);
            }
            return result;
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException)
        {
            throw new InvalidDataException($"{what} is truncated or corrupt: {e.Message}", e);
        }

        long Size(long value, string field, long max = long.MaxValue) =>
            value < 0 || value > max
                ? throw new InvalidDataException($"{what} is corrupt: the {field} is {value}.")
                : value;
    }

    /// <summary>Copies <paramref name="tensors"/> into the module's parameters and buffers of the same names.</summary>
    /// <exception cref="InvalidDataException">A tensor is missing or has another shape (named in the message).</exception>
    public static void Load(Module module, IReadOnlyDictionary<string, StateTensor> tensors, string what)
    {
        using var _ = MlNetLion.Torch.Torch.NoGrad();
        foreach (var (name, target) in module.NamedParameters.Concat(module.NamedBuffers))
        {
            if (!tensors.TryGetValue(name, out var source))
                throw new InvalidDataException($"{what} has no tensor '{name}' for this model.");
            if (!source.Shape.SequenceEqual(target.Shape))
                throw new InvalidDataException($"{what}: tensor '{name}' has shape [{string.Join(", ", source.Shape)}]; the model expects [{string.Join(", ", target.Shape)}].");
            using var t = source.ToTensor(target.Device);
            target.Copy_(t);
        }
    }
}
