using System.Globalization;
using MlNetLion.Data;

namespace MlNetLion;

/// <summary>
/// Predicts one row (or a batch) at a time with a <see cref="ClassificationModel"/> (ML.NET's
/// <c>PredictionEngine</c>). <typeparamref name="TIn"/> needs the model's input column;
/// <typeparamref name="TOut"/> gets the predicted label (a property named as the model's
/// <c>PredictionColumnName</c>, default "PredictedLabel", of the label's type or string) and/or the
/// probabilities (<c>ScoreColumnName</c>, default "Score", float[] in <see cref="ClassificationModel.ClassNames"/> order).
/// </summary>
/// <remarks>Unlike ML.NET's, this engine is safe to share between threads: scoring goes through the
/// model's lock, so concurrent calls run one at a time. Use <see cref="PredictBatch"/> for throughput.</remarks>
public sealed class PredictionEngine<TIn, TOut> where TIn : class where TOut : class, new()
{
    private readonly ClassificationModel _model;
    private readonly DataColumn _input;
    private readonly DataColumn? _prediction;
    private readonly DataColumn? _score;

    internal PredictionEngine(ClassificationModel model)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _input = DataColumn.Find(DataColumn.Of<TIn>(), model.InputColumnName, "input column", model.Encoder.AllowedTypes, typeof(TIn).Name);
        var outputs = DataColumn.Of<TOut>();
        _prediction = outputs.FirstOrDefault(c => c.Name == model.PredictionColumnName);
        _score = outputs.FirstOrDefault(c => c.Name == model.ScoreColumnName);
        if (_prediction is null && _score is null)
            throw new ArgumentException($"{typeof(TOut).Name} needs a '{model.PredictionColumnName}' ({model.LabelType.Name} or String) or a '{model.ScoreColumnName}' (Single[]) member; it has {string.Join(", ", outputs.Select(c => $"'{c.Name}'"))}.");
        if (_prediction is not null && _prediction.Type != model.LabelType && _prediction.Type != typeof(string) && _prediction.Type != typeof(object))
            throw new ArgumentException($"'{_prediction.Name}' of {typeof(TOut).Name} has type {_prediction.Type.Name}; the model predicts {model.LabelType.Name} labels (or use String).");
        if (_score is not null && _score.Type != typeof(float[]))
            throw new ArgumentException($"'{_score.Name}' of {typeof(TOut).Name} has type {_score.Type.Name}; scores are Single[].");
    }

    /// <summary>The model's class names, in <c>Score</c> order.</summary>
    public IReadOnlyList<string> ClassNames => _model.ClassNames;

    /// <summary>Predicts one example.</summary>
    public TOut Predict(TIn example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return PredictBatch([example])[0];
    }

    /// <summary>Predicts many examples in batches (much faster than one by one).</summary>
    /// <exception cref="ArgumentException">An example's input cannot be used (e.g. an unreadable image; the message names it).</exception>
    public TOut[] PredictBatch(IEnumerable<TIn> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var inputs = examples.Select(e => _input.GetValue(e ?? throw new ArgumentException("An example is null.", nameof(examples)))).ToArray();
        var scores = _model.Score(inputs);
        var result = new TOut[scores.Length];
        for (var i = 0; i < scores.Length; i++)
        {
            var output = new TOut();
            if (_prediction is not null)
            {
                var label = _model.PredictedLabel(scores[i]);
                _prediction.SetValue(output, _prediction.Type == typeof(string) ? Convert.ToString(label, CultureInfo.InvariantCulture) : label);
            }
            _score?.SetValue(output, scores[i]);
            result[i] = output;
        }
        return result;
    }
}
