using System.Buffers;
using System.Text.Unicode;
using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace MlNetLion.Data;

/// <summary>Reads delimited text (TSV, CSV) into typed rows; CsvHelper does the tokenizing and quoting.</summary>
internal static class TextLoader
{
    public static List<TRow> Load<TRow>(string path, char separator, bool hasHeader, bool allowQuoting, bool trimWhitespace,
        IReadOnlyDictionary<string, string>? columnSources = null)
        where TRow : class, new()
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Delimiter = separator.ToString(),
            HasHeaderRecord = false,
            Mode = allowQuoting ? CsvMode.RFC4180 : CsvMode.NoEscape,
            TrimOptions = trimWhitespace ? TrimOptions.Trim : TrimOptions.None,
            BadDataFound = null,
            IgnoreBlankLines = true,
        };
        var bytes = File.ReadAllBytes(path);
        CheckUtf8(bytes, path);
        using var reader = new StreamReader(new MemoryStream(bytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
        using var parser = new CsvParser(reader, config);

        var columns = DataColumn.Of<TRow>();
        if (columns.Count == 0) throw new ArgumentException($"{typeof(TRow).Name} has no public properties or fields to load into.");
        int[]? indices = null;
        var rows = new List<TRow>();
        while (parser.Read())
        {
            var fields = parser.Record!;
            if (indices is null)
            {
                indices = ResolveIndices(columns, hasHeader ? fields : null, path, columnSources);
                if (hasHeader) continue;
            }
            var row = new TRow();
            for (var c = 0; c < columns.Count; c++)
            {
                var i = indices[c];
                if (i >= fields.Length)
                    throw new FormatException($"{path}, line {parser.RawRow}: column '{columns[c].Name}' is field {i}, but the line has only {fields.Length} fields (separator '{Escape(separator)}').");
                columns[c].SetValue(row, Convert(fields[i], columns[c], path, parser.RawRow));
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Throws, naming the line and byte, at the first byte sequence that is not UTF-8.</summary>
    private static void CheckUtf8(ReadOnlySpan<byte> bytes, string path)
    {
        if (Utf8.IsValid(bytes)) return;
        Span<char> chars = stackalloc char[4096];
        var offset = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[offset..], chars, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status == OperationStatus.InvalidData || status == OperationStatus.NeedMoreData) break;
        }
        var line = 1 + bytes[..offset].Count((byte)'\n');
        throw new InvalidDataException($"{path}, line {line}: the text is not valid UTF-8 (byte 0x{bytes[offset]:X2} at offset {offset}); save the file as UTF-8.");
    }

    private static int[] ResolveIndices(IReadOnlyList<DataColumn> columns, string[]? header, string path, IReadOnlyDictionary<string, string>? sources) =>
        columns.Select(c =>
        {
            var source = sources?.GetValueOrDefault(c.Name);
            if (source is null && c.LoadIndex is { } i) return i;
            var name = source ?? c.Name;
            var found = header is null ? -1 : Array.FindIndex(header, h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (found >= 0) return found;
            if (source is not null && int.TryParse(source, NumberStyles.None, CultureInfo.InvariantCulture, out var index)) return index;
            if (header is null)
                throw new ArgumentException($"Column '{name}' has no [LoadColumn] index and '{path}' is read without a header; add [LoadColumn(n)], give its zero-based index, or pass hasHeader: true.");
            throw new ArgumentException($"Column '{name}' was not found in the header of '{path}'. Header columns: {string.Join(", ", header.Select(h => $"'{h}'"))}.");
        }).ToArray();

    private static object? Convert(string text, DataColumn column, string path, long line)
    {
        var type = Nullable.GetUnderlyingType(column.Type) ?? column.Type;
        if (type == typeof(string)) return text;
        if (text.Length == 0 && column.Type != type) return null;
        try
        {
            if (type == typeof(bool))
            {
                return text.Trim().ToLowerInvariant() switch
                {
                    "true" or "1" or "yes" => true,
                    "false" or "0" or "no" => false,
                    _ => throw new FormatException(),
                };
            }
            if (type.IsEnum) return Enum.Parse(type, text, ignoreCase: true);
            return System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or InvalidCastException or ArgumentException)
        {
            throw new FormatException($"{path}, line {line}: '{text}' in column '{column.Name}' is not a valid {type.Name}.", e);
        }
    }

    private static string Escape(char c) => c == '\t' ? "\\t" : c.ToString();
}
