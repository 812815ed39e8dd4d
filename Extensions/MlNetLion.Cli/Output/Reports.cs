using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetLion.Evaluation;

namespace MlNetLion.Cli.Output;

/// <summary>Metrics on a data set with ML.NET's names (what <c>metrics.json</c> and <c>evaluate --json</c> hold).</summary>
internal sealed record MetricsReport
{
    public required double MicroAccuracy { get; init; }
    public required double MacroAccuracy { get; init; }
    public required double LogLoss { get; init; }
    public required double LogLossReduction { get; init; }
    public required int TopKPredictionCount { get; init; }
    public required double TopKAccuracy { get; init; }
    public required IReadOnlyDictionary<string, double> PerClassLogLoss { get; init; }
    /// <summary>Rows [actual][predicted], classes in <see cref="PerClassLogLoss"/> order.</summary>
    public required IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix { get; init; }
    /// <summary>Rows evaluated.</summary>
    public required int RowCount { get; init; }
    /// <summary>Rows of the evaluated set dropped when loading or left unscored by the model (e.g. unreadable images).</summary>
    public required int SkippedRows { get; init; }
    /// <summary>Training rows dropped or skipped (unreadable images, empty texts); null for <c>evaluate</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SkippedTrainingRows { get; init; }

    /// <param name="m">The metrics (their own <see cref="MulticlassClassificationMetrics.SkippedRows"/> are added).</param>
    /// <param name="skippedRows">Rows of the evaluated set dropped when loading.</param>
    /// <param name="skippedTrainingRows">Training rows dropped when loading or skipped by <c>Fit</c>.</param>
    public static MetricsReport From(MulticlassClassificationMetrics m, int skippedRows, int? skippedTrainingRows = null) => new()
    {
        MicroAccuracy = m.MicroAccuracy,
        MacroAccuracy = m.MacroAccuracy,
        LogLoss = m.LogLoss,
        LogLossReduction = m.LogLossReduction,
        TopKPredictionCount = m.TopKPredictionCount,
        TopKAccuracy = m.TopKAccuracy,
        PerClassLogLoss = m.ConfusionMatrix.ClassNames.Zip(m.PerClassLogLoss).ToDictionary(p => p.First, p => p.Second),
        ConfusionMatrix = m.ConfusionMatrix.Counts,
        RowCount = m.RowCount,
        SkippedRows = skippedRows + m.SkippedRows,
        SkippedTrainingRows = skippedTrainingRows,
    };
}

/// <summary>The result of one training run (<c>--json</c> output of the training commands; one entry of <c>compare</c>).</summary>
internal sealed record TrainingReport
{
    public required string Optimizer { get; init; }
    public required string OptimizerDescription { get; init; }
    public required string Output { get; init; }
    public required string ModelPath { get; init; }
    public required int TrainingRows { get; init; }
    public required string ValidationSource { get; init; }
    public required int Epochs { get; init; }
    public required double TrainingSeconds { get; init; }
    public required long OptimizerStateBytes { get; init; }
    public required double FinalAccuracy { get; init; }
    public required double BestAccuracy { get; init; }
    public required MetricsReport Metrics { get; init; }
}

/// <summary>JSON as the CLI writes it: indented, ML.NET's PascalCase names, NaN/infinity as strings.</summary>
internal static class Json
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(string path, T value) => File.WriteAllText(path, Serialize(value) + Environment.NewLine);
}
