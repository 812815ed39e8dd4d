namespace MlNetLion.Data;

/// <summary>
/// Typed rows plus their schema: what trainers, evaluation and prediction consume. It plays the role of
/// ML.NET's <c>IDataView</c> for in-memory data sets.
/// </summary>
public sealed class DataView<TRow> where TRow : class
{
    internal DataView(IReadOnlyList<TRow> rows, int skippedRows = 0)
    {
        Rows = rows;
        SkippedRows = skippedRows;
        Schema = DataColumn.Of<TRow>();
    }

    /// <summary>The rows.</summary>
    public IReadOnlyList<TRow> Rows { get; }

    /// <summary>Number of rows.</summary>
    public int Count => Rows.Count;

    /// <summary>The columns of <typeparamref name="TRow"/>.</summary>
    public IReadOnlyList<DataColumn> Schema { get; }

    /// <summary>Rows of the source that could not be loaded and were skipped (see the context's log for why).</summary>
    public int SkippedRows { get; }

    /// <summary>
    /// The column called <paramref name="name"/> (case-sensitive, as in ML.NET), checked to hold one of
    /// <paramref name="allowedTypes"/> when given.
    /// </summary>
    /// <exception cref="ArgumentException">No such column (the message lists the existing ones), or it has another type.</exception>
    public DataColumn GetColumn(string name, string role = "column", params Type[] allowedTypes)
    {
        var column = Schema.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException(
            $"The {role} '{name}' was not found in {typeof(TRow).Name}. Existing columns: {string.Join(", ", Schema.Select(c => $"'{c.Name}' ({c.Type.Name})"))}.",
            nameof(name));
        if (allowedTypes.Length > 0 && !allowedTypes.Contains(column.Type))
            throw new ArgumentException(
                $"The {role} '{name}' has type {column.Type.Name}; expected {string.Join(" or ", allowedTypes.Select(t => t.Name))}.", nameof(name));
        return column;
    }
}
