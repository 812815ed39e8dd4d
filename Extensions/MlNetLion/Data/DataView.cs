namespace MlNetLion.Data;

/// <summary>
/// Typed rows plus their schema: what trainers, evaluation and prediction consume. It plays the role of
/// ML.NET's <c>IDataView</c> for in-memory data sets.
/// </summary>
public sealed class DataView<TRow> : IDataView where TRow : class
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

    /// <inheritdoc />
    public Type RowType => typeof(TRow);

    /// <inheritdoc />
    public object GetRow(int index) => Rows[index];

    /// <summary>Rows of the source that could not be loaded and were skipped (see the context's log for why).</summary>
    public int SkippedRows { get; }

    /// <inheritdoc />
    public DataColumn GetColumn(string name, string role = "column", params Type[] allowedTypes) =>
        DataColumn.Find(Schema, name, role, allowedTypes, typeof(TRow).Name);
}
