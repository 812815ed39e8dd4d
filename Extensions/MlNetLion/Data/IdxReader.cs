using System.Buffers.Binary;
using System.IO.Compression;

namespace MlNetLion.Data;

/// <summary>
/// Reads IDX files, the format MNIST and Fashion-MNIST ship in (optionally gzip-compressed):
/// a big-endian header (0x00 0x00, type code, number of dimensions, then each dimension as int32)
/// followed by the elements. Only unsigned-byte data (type 0x08) is accepted.
/// </summary>
public static class IdxReader
{
    /// <summary>Reads an IDX file; returns its dimensions and its bytes.</summary>
    /// <exception cref="InvalidDataException">Not an unsigned-byte IDX file, or truncated.</exception>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        using Stream stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, path, "header");
        if (magic[0] != 0 || magic[1] != 0 || magic[2] != 0x08 || magic[3] is 0 or > 4)
            throw new InvalidDataException($"'{path}' is not an unsigned-byte IDX file (magic {System.Convert.ToHexString(magic)}; expected 000008 followed by the number of dimensions).");
        var shape = new int[magic[3]];
        Span<byte> dim = stackalloc byte[4];
        long count = 1;
        for (var i = 0; i < shape.Length; i++)
        {
            ReadExactly(stream, dim, path, "header");
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (shape[i] <= 0) throw new InvalidDataException($"'{path}': dimension {i} is {shape[i]}.");
            count *= shape[i];
        }
        if (count > Array.MaxLength) throw new InvalidDataException($"'{path}' declares {count} elements, too many to load.");
        var data = new byte[count];
        ReadExactly(stream, data, path, "data");
        return (shape, data);
    }

    private static bool IsGzip(FileStream file)
    {
        Span<byte> head = stackalloc byte[2];
        var n = file.Read(head);
        file.Position = 0;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string path, string part)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw new InvalidDataException($"'{path}' is truncated: its {part} ends early.", e); }
    }
}
