using MlNetLion.Data;

namespace MlNetLion;

/// <summary>
/// Rows scored by a <see cref="ClassificationModel"/>: the input's columns plus the predicted label
/// (<see cref="ClassificationModel.PredictionColumnName"/>) and the class probabilities
/// (<see cref="ClassificationModel.ScoreColumnName"/>). Pass it to
/// <see cref="MulticlassClassificationCatalog.Evaluate(IDataView, string, string, int)"/>.
/// </summary>
public sealed class ClassificationPredictions : IDataView
{
    private readonly IDataView _source;

    internal ClassificationPredictions(IDataView source, ClassificationModel model, float[][] scores, IReadOnlyDictionary<int, string> unscoredRows)
    {
        _source = source;
        Model = model;
        Scores = scores;
        UnscoredRows = unscoredRows;
        PredictedLabels = scores.Select((s, i) => unscoredRows.ContainsKey(i) ? null : model.PredictedLabel(s)).ToArray();
        Schema = [.. source.Schema.Where(c => c.Name != model.PredictionColumnName && c.Name != model.ScoreColumnName)
                .Select(c => DataColumn.Computed(c.Name, c.Type, row => c.GetValue(((ScoredRow)row).Source))),
            DataColumn.Computed(model.PredictionColumnName, model.LabelType, row => ((ScoredRow)row).PredictedLabel),
            DataColumn.Computed(model.ScoreColumnName, typeof(float[]), row => ((ScoredRow)row).Score)];
    }

    /// <summary>The model that scored the rows.</summary>
    public ClassificationModel Model { get; }

    /// <summary>Per-row class probabilities, in <see cref="ClassificationModel.ClassNames"/> order.</summary>
    public IReadOnlyList<float[]> Scores { get; }

    /// <summary>Per-row predicted labels (of the model's label type; null for an unscored row).</summary>
    public IReadOnlyList<object?> PredictedLabels { get; }

    /// <summary>The rows whose input could not be used (row index: why), in row order; their scores are NaN.</summary>
    public IReadOnlyDictionary<int, string> UnscoredRows { get; }

    /// <inheritdoc />
    public Type RowType => typeof(ScoredRow);

    /// <inheritdoc />
    public int Count => _source.Count;

    /// <inheritdoc />
    public IReadOnlyList<DataColumn> Schema { get; }

    /// <inheritdoc />
    public object GetRow(int index) => new ScoredRow(_source.GetRow(index), PredictedLabels[index], Scores[index]);

    /// <inheritdoc />
    public DataColumn GetColumn(string name, string role = "column", params Type[] allowedTypes) =>
        DataColumn.Find(Schema, name, role, allowedTypes, "the scored data");

    /// <summary>A source row with its prediction.</summary>
    public sealed record ScoredRow(object Source, object? PredictedLabel, float[] Score);
}
