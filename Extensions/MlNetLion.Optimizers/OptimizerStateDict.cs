using System.Text;
using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// A snapshot of an optimizer's state, independent of any tensor: what <see cref="Optimizer.StateDict"/>
/// returns and <see cref="Optimizer.LoadStateDict(OptimizerStateDict)"/> restores (every state tensor,
/// step counts, each group's hyperparameters, and a wrapper's inner optimizer).
/// </summary>
/// <remarks>
/// <para><b>Binary format</b>, version <see cref="FormatVersion"/> (little-endian; <c>str</c> is a
/// 7-bit-encoded byte length followed by UTF-8, as <see cref="BinaryWriter.Write(string)"/> writes it):</para>
/// <code>
/// file     := magic "MLNLOPTS" (8 bytes ASCII) · int32 version · dict · end magic "MLNLEND." (8 bytes)
/// dict     := str type · int64 step_count · int64 skipped_steps · scalars
///             · int32 group_count · group* · int32 param_count · param* · uint8 has_inner · [dict]
/// scalars  := int32 n · (str name · float64 value)*
/// group    := int32 param_count · scalars                       (the group's hyperparameters)
/// param    := int32 dtype · int32 ndim · int64[ndim] shape · uint8 has_state
///             · [scalars · int32 tensor_count · (str name · tensor)*]
/// tensor   := int32 dtype · int32 ndim · int64[ndim] shape · int64 byte_count · bytes
/// </code>
/// <para>dtype codes are libtorch's <see cref="ScalarType"/> values. Parameters are numbered across
/// groups in order. A reader rejects a newer version, a wrong magic, or trailing garbage.</para>
/// </remarks>
public sealed record OptimizerStateDict
{
    /// <summary>The binary format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private static readonly byte[] Magic = "MLNLOPTS"u8.ToArray();
    private static readonly byte[] EndMagic = "MLNLEND."u8.ToArray();

    /// <summary>The optimizer's type name (e.g. "LionOptimizer"); loading checks it.</summary>
    public required string OptimizerType { get; init; }

    /// <summary>Steps applied.</summary>
    public long StepCount { get; init; }

    /// <summary>Steps skipped for non-finite gradients.</summary>
    public long SkippedSteps { get; init; }

    /// <summary>Optimizer-wide scalars (e.g. Lookahead's <c>la_step</c>, <c>k</c>, <c>alpha</c>).</summary>
    public IReadOnlyDictionary<string, double> Scalars { get; init; } = new Dictionary<string, double>();

    /// <summary>The parameter groups.</summary>
    public required IReadOnlyList<GroupEntry> Groups { get; init; }

    /// <summary>Every parameter, across groups in order.</summary>
    public required IReadOnlyList<ParameterEntry> Parameters { get; init; }

    /// <summary>The wrapped optimizer's state (Lookahead), or null.</summary>
    public OptimizerStateDict? Inner { get; init; }

    /// <summary>A parameter group: how many parameters it has and its hyperparameters.</summary>
    public sealed record GroupEntry(int ParameterCount, IReadOnlyDictionary<string, double> Options);

    /// <summary>A parameter: its shape and dtype (checked on load) and its state (null: none yet).</summary>
    public sealed record ParameterEntry(ScalarType Dtype, long[] Shape, ParameterStateEntry? State);

    /// <summary>The state of one parameter.</summary>
    public sealed record ParameterStateEntry(IReadOnlyDictionary<string, double> Scalars, IReadOnlyDictionary<string, StateTensor> Tensors);

    /// <summary>Writes the binary format to <paramref name="stream"/> (left open).</summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        WriteDict(w, this);
        w.Write(EndMagic);
    }

    /// <summary>Writes the binary format to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>).</summary>
    public void Save(string path) => AtomicFile.Write(path, tmp =>
    {
        using var f = File.Create(tmp);
        Save(f);
    });

    /// <summary>Reads a state dict written by <see cref="Save(Stream)"/>.</summary>
    /// <exception cref="InvalidDataException">Not an optimizer state, a newer format version, or truncated/corrupt.</exception>
    public static OptimizerStateDict Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
                throw new InvalidDataException("This is not an mlnet-lion optimizer state (the file does not start with \"MLNLOPTS\").");
            var version = r.ReadInt32();
            if (version != FormatVersion)
                throw new InvalidDataException($"Optimizer state format version {version} is not supported; this library reads version {FormatVersion}.");
            var dict = ReadDict(r, depth: 0);
            if (!r.ReadBytes(EndMagic.Length).AsSpan().SequenceEqual(EndMagic))
                throw new InvalidDataException("The optimizer state is corrupt: the end marker is missing.");
            return dict;
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
    }

    /// <summary>Reads a state dict file written by <see cref="Save(string)"/>.</summary>
    public static OptimizerStateDict Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Optimizer state file '{path}' does not exist.", path);
        using var f = File.OpenRead(path);
        return Load(f);
    }

    private static void WriteDict(BinaryWriter w, OptimizerStateDict d)
    {
        w.Write(d.OptimizerType);
        w.Write(d.StepCount);
        w.Write(d.SkippedSteps);
        WriteScalars(w, d.Scalars);
        w.Write(d.Groups.Count);
        foreach (var g in d.Groups)
        {
            w.Write(g.ParameterCount);
            WriteScalars(w, g.Options);
        }
        w.Write(d.Parameters.Count);
        foreach (var p in d.Parameters)
        {
            w.Write((int)p.Dtype);
            WriteShape(w, p.Shape);
            w.Write((byte)(p.State is null ? 0 : 1));
            if (p.State is null) continue;
            WriteScalars(w, p.State.Scalars);
            w.Write(p.State.Tensors.Count);
            foreach (var (name, t) in p.State.Tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.Write(name);
                w.Write((int)t.Dtype);
                WriteShape(w, t.Shape);
                w.Write((long)t.Data.Length);
                w.Write(t.Data);
            }
        }
        w.Write((byte)(d.Inner is null ? 0 : 1));
        if (d.Inner is not null) WriteDict(w, d.Inner);
    }

    private static OptimizerStateDict ReadDict(BinaryReader r, int depth)
    {
        if (depth > 8) throw new InvalidDataException("The optimizer state nests more than 8 wrapped optimizers.");
        var type = r.ReadString();
        var steps = r.ReadInt64();
        var skipped = r.ReadInt64();
        var scalars = ReadScalars(r);
        var groups = new GroupEntry[ReadCount(r, "group")];
        for (var i = 0; i < groups.Length; i++)
            groups[i] = new GroupEntry(ReadCount(r, "group parameter"), ReadScalars(r));
        var parameters = new ParameterEntry[ReadCount(r, "parameter")];
        for (var i = 0; i < parameters.Length; i++)
        {
            var dtype = (ScalarType)r.ReadInt32();
            var shape = ReadShape(r);
            ParameterStateEntry? state = null;
            if (r.ReadByte() != 0)
            {
                var ps = ReadScalars(r);
                var tensors = new Dictionary<string, StateTensor>(StringComparer.Ordinal);
                var n = ReadCount(r, "state tensor");
                for (var j = 0; j < n; j++)
                {
                    var name = r.ReadString();
                    var tdtype = (ScalarType)r.ReadInt32();
                    var tshape = ReadShape(r);
                    var bytes = r.ReadInt64();
                    if (bytes < 0 || bytes > Array.MaxLength)
                        throw new InvalidDataException($"State tensor '{name}' of parameter {i} claims {bytes} bytes.");
                    var data = r.ReadBytes((int)bytes);
                    if (data.Length != bytes) throw new EndOfStreamException();
                    var expected = tshape.Aggregate(1L, (a, b) => a * b) * tdtype.ElementSize();
                    if (expected != bytes)
                        throw new InvalidDataException($"State tensor '{name}' of parameter {i} has shape [{string.Join(", ", tshape)}] {tdtype} but {bytes} bytes.");
                    tensors[name] = new StateTensor(tdtype, tshape, data);
                }
                state = new ParameterStateEntry(ps, tensors);
            }
            parameters[i] = new ParameterEntry(dtype, shape, state);
        }
        var inner = r.ReadByte() != 0 ? ReadDict(r, depth + 1) : null;
        return new OptimizerStateDict
        {
            OptimizerType = type, StepCount = steps, SkippedSteps = skipped, Scalars = scalars,
            Groups = groups, Parameters = parameters, Inner = inner,
        };
    }

    private static void WriteScalars(BinaryWriter w, IReadOnlyDictionary<string, double> scalars)
    {
        w.Write(scalars.Count);
        foreach (var (k, v) in scalars.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            w.Write(k);
            w.Write(v);
        }
    }

    private static Dictionary<string, double> ReadScalars(BinaryReader r)
    {
        var n = ReadCount(r, "scalar");
        var d = new Dictionary<string, double>(n, StringComparer.Ordinal);
        for (var i = 0; i < n; i++) d[r.ReadString()] = r.ReadDouble();
        return d;
    }

    private static void WriteShape(BinaryWriter w, long[] shape)
    {
        w.Write(shape.Length);
        foreach (var s in shape) w.Write(s);
    }

    private static long[] ReadShape(BinaryReader r)
    {
        var n = r.ReadInt32();
        if (n is < 0 or > 64) throw new InvalidDataException($"The optimizer state is corrupt: a tensor has {n} dimensions.");
        var shape = new long[n];
        for (var i = 0; i < n; i++)
        {
            shape[i] = r.ReadInt64();
            if (shape[i] < 0) throw new InvalidDataException($"The optimizer state is corrupt: a dimension is {shape[i]}.");
        }
        return shape;
    }

    private static int ReadCount(BinaryReader r, string what)
    {
        var n = r.ReadInt32();
        return n is >= 0 and <= 100_000_000 ? n
            : throw new InvalidDataException($"The optimizer state is corrupt: {n} {what} entries.");
    }
}
