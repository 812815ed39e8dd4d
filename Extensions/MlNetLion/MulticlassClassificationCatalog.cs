using MlNetLion.Data;
using MlNetLion.Evaluation;
using MlNetLion.Trainers;

namespace MlNetLion;

/// <summary>Multiclass classification: trainers and evaluation (ML.NET's <c>MLContext.MulticlassClassification</c>).</summary>
public sealed class MulticlassClassificationCatalog
{
    private readonly MLContext _context;

    internal MulticlassClassificationCatalog(MLContext context)
    {
        _context = context;
        Trainers = new MulticlassClassificationTrainers(context);
    }

    /// <summary>The trainers.</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary>
    /// Evaluates scored data (the output of <see cref="ClassificationModel.Transform"/>) against its label
    /// column, with ML.NET's metrics. Rows the model could not score (<see cref="ClassificationPredictions.UnscoredRows"/>)
    /// are left out, counted in <see cref="MulticlassClassificationMetrics.SkippedRows"/> and logged.
    /// </summary>
    /// <exception cref="ArgumentException">The data was not scored by a model, a column is missing, a label is not one of the model's classes, or no row could be scored.</exception>
    public MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score", int topKPredictionCount = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data is not ClassificationPredictions scored)
            throw new ArgumentException("Evaluate needs scored data: pass model.Transform(data).", nameof(data));
        var labelColumn = data.GetColumn(labelColumnName, "label column");
        data.GetColumn(scoreColumnName, "score column", typeof(float[]));
        var unscored = scored.UnscoredRows;
        if (data.Count > 0 && unscored.Count == data.Count)
            throw new ArgumentException($"None of the {data.Count} rows could be scored (row {unscored.First().Key}: {unscored.First().Value}).", nameof(data));
        foreach (var (row, problem) in unscored.Take(10)) _context.Write(LogSeverity.Warning, "Evaluate", $"skipped row {row}: {problem}");
        if (unscored.Count > 10) _context.Write(LogSeverity.Warning, "Evaluate", $"skipped {unscored.Count} rows in all");
        var map = scored.Model.Labels;
        var labels = new List<int>(data.Count);
        var scores = new List<float[]>(data.Count);
        for (var i = 0; i < data.Count; i++)
        {
            if (unscored.ContainsKey(i)) continue;
            labels.Add(map.IndexOf(map.Convert(labelColumn.GetValue(data.GetRow(i))), $"in row {i} of the evaluated data"));
            scores.Add(scored.Scores[i]);
        }
        return Logged(MulticlassClassificationMetrics.Compute(labels, scores, scored.Model.ClassNames, topKPredictionCount, skippedRows: unscored.Count));
    }

    /// <summary>Computes ML.NET's multiclass metrics from actual class indices and per-class probabilities.</summary>
    public MulticlassClassificationMetrics Evaluate(IReadOnlyList<int> labels, IReadOnlyList<float[]> scores,
        IReadOnlyList<string> classNames, int topKPredictionCount = 1) =>
        Logged(MulticlassClassificationMetrics.Compute(labels, scores, classNames, topKPredictionCount));

    private MulticlassClassificationMetrics Logged(MulticlassClassificationMetrics metrics)
    {
        _context.Write(LogSeverity.Info, "Evaluate", metrics.ToString());
        return metrics;
    }
}

/// <summary>The multiclass trainers (ML.NET's <c>MulticlassClassification.Trainers</c>).</summary>
public sealed class MulticlassClassificationTrainers
{
    private readonly MLContext _context;

    internal MulticlassClassificationTrainers(MLContext context) => _context = context;

    /// <summary>A text classifier (transformer encoder by default) trained with Lion unless another optimizer is chosen.</summary>
    public TextClassificationTrainer TextClassification(TextClassificationOptions? options = null) => new(_context, options ?? new TextClassificationOptions());

    /// <summary>A text classifier reading <paramref name="sentence1ColumnName"/> and <paramref name="labelColumnName"/>.</summary>
    public TextClassificationTrainer TextClassification(string labelColumnName, string sentence1ColumnName, int maxEpoch = 10) =>
        TextClassification(new TextClassificationOptions { LabelColumnName = labelColumnName, Sentence1ColumnName = sentence1ColumnName, MaxEpoch = maxEpoch });

    /// <summary>An image classifier (residual CNN) trained with Lion unless another optimizer is chosen.</summary>
    public ImageClassificationTrainer ImageClassification(ImageClassificationOptions? options = null) => new(_context, options ?? new ImageClassificationOptions());

    /// <summary>An image classifier reading <paramref name="imageColumnName"/> and <paramref name="labelColumnName"/>.</summary>
    public ImageClassificationTrainer ImageClassification(string labelColumnName, string imageColumnName, int maxEpoch = 10) =>
        ImageClassification(new ImageClassificationOptions { LabelColumnName = labelColumnName, ImageColumnName = imageColumnName, MaxEpoch = maxEpoch });
}
