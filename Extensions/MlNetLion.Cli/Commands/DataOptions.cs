using System.CommandLine;
using MlNetLion.Cli.Data;

namespace MlNetLion.Cli.Commands;

/// <summary>The flags that say where the data is and how to read it (<c>--dataset</c>, columns, header, separator).</summary>
internal sealed class DataOptions
{
    private readonly Option<string> _dataset;
    private readonly Option<string?>? _validation;
    private readonly Option<string> _labelColumn = new("--label-col") { Description = "Label column of a text file: header name, or zero-based index without a header", DefaultValueFactory = _ => "Label" };
    private readonly Option<string> _textColumn = new("--text-col") { Description = "Text column of a text file: header name, or zero-based index without a header", DefaultValueFactory = _ => "Text" };
    private readonly Option<bool> _hasHeader = new("--has-header") { Description = "Whether the first line of a text file names the columns (default true; --has-header false for none)", DefaultValueFactory = _ => true };
    private readonly Option<string> _separator = new("--separator") { Description = "Field separator of a text file: '\\t' (tab), ',', ';' or any single character", DefaultValueFactory = _ => "\\t" };
    private readonly Option<int?> _maxRows = new("--max-rows") { Description = "Use at most this many rows of each data set (a random sample, fixed by --seed) for a quick run" };

    public DataOptions(string datasetDescription, bool withValidation)
    {
        _dataset = new Option<string>("--dataset") { Description = datasetDescription, Required = true };
        _validation = withValidation
            ? new Option<string?>("--validation-dataset") { Description = "Validation data (same format as --dataset); default: the IDX folder's t10k set, else 20% of --dataset held out" }
            : null;
    }

    public IEnumerable<Option> All => new Option?[] { _dataset, _validation, _labelColumn, _textColumn, _hasHeader, _separator, _maxRows }.OfType<Option>();

    public DataSource Read(ParseResult p) => new(
        p.GetValue(_dataset)!,
        _validation is null ? null : p.GetValue(_validation),
        new TableFormat(p.GetValue(_labelColumn)!, p.GetValue(_textColumn)!, p.GetValue(_hasHeader), ParseSeparator(p.GetValue(_separator)!)),
        p.GetValue(_maxRows) is { } max && max < 1 ? throw new UserErrorException($"--max-rows must be at least 1; got {max}.") : p.GetValue(_maxRows));

    public static char ParseSeparator(string text) => text switch
    {
        "\\t" or "\t" or "tab" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        { Length: 1 } => text[0],
        _ => throw new UserErrorException($"--separator must be one character, '\\t', 'tab', 'comma' or 'semicolon'; got '{text}'."),
    };
}
