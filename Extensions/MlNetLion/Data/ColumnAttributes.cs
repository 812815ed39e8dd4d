namespace MlNetLion.Data;

/// <summary>Loads this property or field from the column at <see cref="Index"/> of a text file (as in ML.NET).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class LoadColumnAttribute(int index) : Attribute
{
    /// <summary>Zero-based column index in the file.</summary>
    public int Index { get; } = index;
}

/// <summary>Gives this property or field a column name other than its own name (as in ML.NET).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ColumnNameAttribute(string name) : Attribute
{
    /// <summary>The column name.</summary>
    public string Name { get; } = name;
}

/// <summary>Leaves this property or field out of the schema.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class NoColumnAttribute : Attribute;
