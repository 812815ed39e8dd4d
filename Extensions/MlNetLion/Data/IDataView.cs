namespace MlNetLion.Data;

/// <summary>
/// Rows of any type plus their schema, read by column name: what trainers, evaluation and models consume
/// (ML.NET's <c>IDataView</c>, for in-memory data). <see cref="DataView{TRow}"/> is the implementation
/// the data catalog returns.
/// </summary>
public interface IDataView
{
    /// <summary>The .NET type of the rows.</summary>
    Type RowType { get; }

    /// <summary>Number of rows.</summary>
    int Count { get; }

    /// <summary>The columns of <see cref="RowType"/>.</summary>
    IReadOnlyList<DataColumn> Schema { get; }

    /// <summary>Row <paramref name="index"/>.</summary>
    object GetRow(int index);

    /// <summary>
    /// The column called <paramref name="name"/> (case-sensitive, as in ML.NET), checked to hold one of
    /// <paramref name="allowedTypes"/> when given.
    /// </summary>
    /// <exception cref="ArgumentException">No such column (the message lists the existing ones), or it has another type.</exception>
    DataColumn GetColumn(string name, string role = "column", params Type[] allowedTypes);
}
