using System.Globalization;
using System.Reflection;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// The text trainer on the paired cross-validation folds that <c>bench/baselines/linear_cv.py --export-folds DIR</c>
/// writes (<c>foldK.train.tsv</c>, <c>foldK.test.tsv</c>: a header, then Label and Text), so that its accuracy
/// compares with the linear baselines fold by fold. Each fold trains the trainer's defaults with Lion, changed
/// only by the <c>Name=Value</c> settings given (any public option of <see cref="TextClassificationOptions"/>).
/// </summary>
internal static class FoldsStudy
{
    /// <summary>Trains and evaluates every fold in <paramref name="folder"/>, writing a line per fold and the mean to <paramref name="output"/>.</summary>
    public static IReadOnlyList<(double Accuracy, double LogLoss)> Run(string folder, int seed, IReadOnlyList<string> settings, TextWriter output)
    {
        var folds = Directory.GetFiles(folder, "fold*.train.tsv").Select(p => p[..^".train.tsv".Length]).Order(StringComparer.Ordinal).ToArray();
        if (folds.Length == 0)
            throw new ArgumentException($"'{folder}' has no foldK.train.tsv files; write them with bench/baselines/linear_cv.py --export-folds {folder}.");
        var results = new List<(double Accuracy, double LogLoss)>();
        foreach (var fold in folds)
        {
            var ctx = new MLContext(seed);
            var train = ctx.Data.LoadFromTextFile<TextRow>(fold + ".train.tsv", hasHeader: true);
            var test = ctx.Data.LoadFromTextFile<TextRow>(fold + ".test.tsv", hasHeader: true);
            var options = Apply(new TextClassificationOptions { LabelColumnName = "Label", Sentence1ColumnName = "Text" }, settings);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var model = ctx.MulticlassClassification.Trainers.TextClassification(options).WithLionOptimizer().Fit(train, test);
            var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
            var epochs = string.Join(" ", model.TrainingHistory!.Epochs.Select(e => (100 * e.ValidationAccuracy!.Value).ToString("F2", CultureInfo.InvariantCulture)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{Path.GetFileName(fold)}: accuracy {100 * metrics.MicroAccuracy:F2}% log-loss {metrics.LogLoss:F3} ({clock.Elapsed.TotalSeconds:F0} s; per epoch {epochs})"));
            results.Add((metrics.MicroAccuracy, metrics.LogLoss));
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mean over {results.Count} folds: accuracy {100 * results.Average(r => r.Accuracy):F2}% log-loss {results.Average(r => r.LogLoss):F3} (seed {seed}{(settings.Count > 0 ? "; " + string.Join(" ", settings) : "")})"));
        return results;
    }

    /// <summary>Sets each <c>Name=Value</c> on <paramref name="options"/>; an unknown name or a bad value is an error that names it.</summary>
    internal static TextClassificationOptions Apply(TextClassificationOptions options, IEnumerable<string> settings)
    {
        foreach (var setting in settings)
        {
            var parts = setting.Split('=', 2);
            var property = parts.Length == 2 ? typeof(TextClassificationOptions).GetProperty(parts[0], BindingFlags.Public | BindingFlags.Instance) : null;
            if (property is null || !property.CanWrite)
                throw new ArgumentException($"'{setting}' is not Name=Value with a settable option of TextClassificationOptions.");
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            try
            {
                property.SetValue(options, type.IsEnum ? Enum.Parse(type, parts[1], ignoreCase: true) : Convert.ChangeType(parts[1], type, CultureInfo.InvariantCulture));
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
            {
                throw new ArgumentException($"'{parts[1]}' is not a valid {type.Name} for {property.Name}.", e);
            }
        }
        return options;
    }
}
