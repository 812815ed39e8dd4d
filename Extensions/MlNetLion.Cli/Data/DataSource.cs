namespace MlNetLion.Cli.Data;

/// <summary>How a delimited text file is read: which columns hold the label and the text, header, separator.</summary>
internal sealed record TableFormat(string LabelColumn, string TextColumn, bool HasHeader, char Separator);

/// <summary>The data a command was pointed at: <c>--dataset</c>, <c>--validation-dataset</c>, the text format and <c>--max-rows</c>.</summary>
internal sealed record DataSource(string Dataset, string? ValidationDataset, TableFormat Format, int? MaxRows);
