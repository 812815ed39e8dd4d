using System.Reflection;

namespace MlNetLion.Data;

/// <summary>A column of a typed row: a public property or field, named by <see cref="ColumnNameAttribute"/> or its own name.</summary>
public sealed class DataColumn
{
    private readonly Func<object, object?> _get;
    private readonly Action<object, object?> _set;

    private DataColumn(string name, Type type, int? loadIndex, Func<object, object?> get, Action<object, object?> set)
    {
        Name = name;
        Type = type;
        LoadIndex = loadIndex;
        _get = get;
        _set = set;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The .NET type of its values.</summary>
    public Type Type { get; }

    /// <summary>The file column it loads from, if <see cref="LoadColumnAttribute"/> says so.</summary>
    public int? LoadIndex { get; }

    /// <summary>Reads the value from a row.</summary>
    public object? GetValue(object row) => _get(row);

    internal void SetValue(object row, object? value) => _set(row, value);

    /// <summary>A read-only column computed from a row (e.g. the scores a model adds).</summary>
    internal static DataColumn Computed(string name, Type type, Func<object, object?> get) =>
        new(name, type, null, get, (_, _) => throw new InvalidOperationException($"Column '{name}' is computed and cannot be set."));

    /// <summary>The column called <paramref name="name"/> in <paramref name="schema"/>, checked against <paramref name="allowedTypes"/>.</summary>
    internal static DataColumn Find(IReadOnlyList<DataColumn> schema, string name, string role, Type[] allowedTypes, string owner)
    {
        var column = schema.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException(
            $"The {role} '{name}' was not found in {owner}. Existing columns: {string.Join(", ", schema.Select(c => $"'{c.Name}' ({c.Type.Name})"))}.",
            nameof(name));
        if (allowedTypes.Length > 0 && !allowedTypes.Contains(column.Type))
            throw new ArgumentException(
                $"The {role} '{name}' has type {column.Type.Name}; expected {string.Join(" or ", allowedTypes.Select(t => t.Name))}.", nameof(name));
        return column;
    }

    /// <summary>The columns of <typeparamref name="TRow"/>, in declaration order.</summary>
    public static IReadOnlyList<DataColumn> Of<TRow>() => Of(typeof(TRow));

    /// <summary>The columns of <paramref name="rowType"/>, in declaration order.</summary>
    public static IReadOnlyList<DataColumn> Of(Type rowType)
    {
        var columns = new List<DataColumn>();
        foreach (var m in rowType.GetMembers(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.MetadataToken))
        {
            if (m.GetCustomAttribute<NoColumnAttribute>() is not null) continue;
            var name = m.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? m.Name;
            var index = m.GetCustomAttribute<LoadColumnAttribute>()?.Index;
            switch (m)
            {
                case PropertyInfo p when p.GetIndexParameters().Length == 0 && p.CanRead:
                    columns.Add(new DataColumn(name, p.PropertyType, index, p.GetValue,
                        (row, v) => (p.CanWrite ? p : throw new InvalidOperationException($"Column '{name}' of {rowType.Name} has no setter.")).SetValue(row, v)));
                    break;
                case FieldInfo f:
                    columns.Add(new DataColumn(name, f.FieldType, index, f.GetValue, f.SetValue));
                    break;
            }
        }
        return columns;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Type.Name}";
}
