using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MlNetLion.Cli.Data;
using MlNetLion.Data;

namespace MlNetLion.Cli.Commands;

/// <summary><c>predict</c>: predicted label and probabilities for each input row, to stdout as TSV or JSON lines.</summary>
internal static class PredictCommand
{
    private sealed class TextInput
    {
        public string Text { get; set; } = "";
    }

    private sealed class ImageInput
    {
        public string Image { get; set; } = "";
    }

    public static Command Create(CliConsole console)
    {
        var model = new Option<string>("--model", "-m") { Description = "A model file written by a training command", Required = true };
        var input = new Option<string>("--input", "-i") { Description = "Rows to predict: a file, or - for stdin (default). One text or image path per line, or a table with --text-col", DefaultValueFactory = _ => "-" };
        var column = new Option<string?>("--text-col") { Description = "Read the input as a delimited table with a header and predict this column (text, or image paths)" };
        var separator = new Option<string>("--separator") { Description = "Field separator of the table (with --text-col)", DefaultValueFactory = _ => "\\t" };
        var json = new Option<bool>("--json") { Description = "One JSON object per row (PredictedLabel, Score, Scores per class) instead of TSV" };
        var command = new Command("predict", "Predict the label of each input row with a model");
        foreach (var o in new Option[] { model, input, column, separator, json }) command.Options.Add(o);
        command.SetAction(p => console.Guard(() =>
        {
            var ctx = new MLContext(1);
            var (loaded, kind) = ModelFile.Load(ctx, p.GetValue(model)!);
            using var _ = loaded;
            var values = ReadInputs(ctx, console, p.GetValue(input)!, p.GetValue(column), p.GetValue(separator)!);
            IDataView rows = kind == TaskKind.Text
                ? ctx.Data.LoadFromEnumerable(values.Select(v => new TextInput { Text = v }))
                : ctx.Data.LoadFromEnumerable(values.Select(v => new ImageInput { Image = v }));
            var predictions = loaded.Transform(rows, throwOnUnusableRows: true);
            var classes = loaded.ClassNames;
            if (!p.GetValue(json)) console.Out.WriteLine("PredictedLabel\tScore");
            for (var i = 0; i < predictions.Count; i++)
            {
                var label = Convert.ToString(predictions.PredictedLabels[i], CultureInfo.InvariantCulture)!;
                var scores = predictions.Scores[i];
                console.Out.WriteLine(p.GetValue(json)
                    ? JsonSerializer.Serialize(new { PredictedLabel = label, Score = scores.Max(), Scores = classes.Zip(scores).ToDictionary(c => c.First, c => c.Second) })
                    : string.Create(CultureInfo.InvariantCulture, $"{label}\t{scores.Max():G6}"));
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static IReadOnlyList<string> ReadInputs(MLContext ctx, CliConsole console, string input, string? column, string separator)
    {
        if (input != "-" && !File.Exists(input)) throw new UserErrorException($"--input: the file '{input}' does not exist.");
        if (column is null)
        {
            var text = input == "-" ? console.In.ReadToEnd() : File.ReadAllText(input);
            return [.. text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0)];
        }
        var path = input;
        if (input == "-")
        {
            path = Path.GetTempFileName();
            File.WriteAllText(path, console.In.ReadToEnd());
        }
        try
        {
            return [.. ctx.Data.LoadFromTextFile<TextInput>(path, DataOptions.ParseSeparator(separator), hasHeader: true, columnSources: new Dictionary<string, string> { [Columns.Text] = column }).Rows.Select(r => r.Text)];
        }
        finally
        {
            if (input == "-") File.Delete(path);
        }
    }
}
