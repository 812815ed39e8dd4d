using System.Globalization;

namespace MlNetLion;

/// <summary>
/// Maps label values of any common type (string, bool, integers, char, enums) to class indices and
/// back. Classes are sorted (ordinal for strings, numeric for numbers, false before true), so the map
/// does not depend on row order.
/// </summary>
internal sealed class LabelMap
{
    private static readonly Type[] SupportedTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(short), typeof(sbyte), typeof(byte),
        typeof(ushort), typeof(uint), typeof(ulong), typeof(char),
    ];

    private readonly object[] _values;
    private readonly Dictionary<object, int> _index;

    private LabelMap(Type type, object[] values)
    {
        LabelType = type;
        _values = values;
        _index = new Dictionary<object, int>();
        for (var i = 0; i < values.Length; i++) _index[values[i]] = i;
        Names = values.Select(Format).ToArray();
    }

    /// <summary>The .NET type of the label column.</summary>
    public Type LabelType { get; }

    /// <summary>Class names (the values as invariant strings), in class-index order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => _values.Length;

    /// <summary>True for the label types this map supports.</summary>
    public static bool IsSupported(Type type) => SupportedTypes.Contains(type) || type.IsEnum;

    /// <summary>The supported label types, for error messages.</summary>
    public static Type[] Supported(Type actual) => actual.IsEnum ? [.. SupportedTypes, actual] : SupportedTypes;

    /// <summary>Learns the classes of <paramref name="values"/>.</summary>
    /// <exception cref="ArgumentException">A label is missing, or there are fewer than two classes.</exception>
    public static LabelMap Learn(IEnumerable<object?> values, Type type, string columnName)
    {
        var distinct = new HashSet<object>();
        var row = 0;
        foreach (var v in values)
        {
            if (v is null || v is string s && string.IsNullOrWhiteSpace(s))
                throw new ArgumentException($"Row {row} has no value in the label column '{columnName}'; every training row needs a label.");
            distinct.Add(v);
            row++;
        }
        if (distinct.Count < 2)
            throw new ArgumentException(distinct.Count == 0
                ? "The training data is empty: it needs rows of at least two classes."
                : $"The label column '{columnName}' holds a single class ('{Format(distinct.First())}'); a classifier needs at least two.");
        return new LabelMap(type, Sort(distinct, type));
    }

    /// <summary>The class index of <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentException">The value is not one of the classes (the message lists them).</exception>
    public int IndexOf(object? value, string where)
    {
        if (value is not null && _index.TryGetValue(value, out var i)) return i;
        var shown = Names.Count <= 20 ? string.Join(", ", Names.Select(n => $"'{n}'")) : string.Join(", ", Names.Take(20).Select(n => $"'{n}'")) + $", … ({Names.Count} in all)";
        throw new ArgumentException($"Unknown label '{(value is null ? "null" : Format(value))}' {where}: the model knows the classes {shown}.");
    }

    /// <summary>The label value of class <paramref name="index"/>, of <see cref="LabelType"/>.</summary>
    public object ValueAt(int index) => _values[index];

    public void Save(BinaryWriter writer)
    {
        writer.Write(LabelType.IsEnum ? "enum:" + LabelType.AssemblyQualifiedName : LabelType.FullName!);
        writer.Write(_values.Length);
        foreach (var name in Names) writer.Write(name);
    }

    public static LabelMap Load(BinaryReader reader)
    {
        var typeName = reader.ReadString();
        var type = typeName.StartsWith("enum:", StringComparison.Ordinal)
            ? Type.GetType(typeName[5..]) ?? throw new InvalidDataException($"The model's label type '{typeName[5..]}' cannot be found.")
            : SupportedTypes.FirstOrDefault(t => t.FullName == typeName) ?? throw new InvalidDataException($"The model's label type '{typeName}' is not supported.");
        var count = reader.ReadInt32();
        if (count < 2) throw new InvalidDataException($"The model's label map has {count} classes.");
        var values = new object[count];
        for (var i = 0; i < count; i++) values[i] = Parse(reader.ReadString(), type);
        return new LabelMap(type, values);
    }

    /// <summary>Converts a label read elsewhere (e.g. from a differently typed row) to this map's type.</summary>
    public object? Convert(object? value)
    {
        if (value is null || value.GetType() == LabelType) return value;
        try { return Parse(Format(value), LabelType); }
        catch (FormatException) { return value; }
        catch (OverflowException) { return value; }
        catch (ArgumentException) { return value; }
    }

    private static object[] Sort(HashSet<object> values, Type type)
    {
        var array = values.ToArray();
        if (type == typeof(string)) Array.Sort(array, (a, b) => string.CompareOrdinal((string)a, (string)b));
        else Array.Sort(array, Comparer<object>.Default);
        return array;
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f when !value.GetType().IsEnum => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static object Parse(string text, Type type) =>
        type == typeof(string) ? text
        : type == typeof(bool) ? bool.Parse(text)
        : type == typeof(char) ? char.Parse(text)
        : type.IsEnum ? Enum.Parse(type, text)
        : System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture);
}
