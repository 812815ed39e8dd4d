using MlNetLion.Evaluation;

namespace MlNetLion;

/// <summary>Multiclass classification: evaluation now, trainers as they land (ML.NET's <c>MLContext.MulticlassClassification</c>).</summary>
public sealed class MulticlassClassificationCatalog
{
    private readonly MLContext _context;

    internal MulticlassClassificationCatalog(MLContext context) => _context = context;

    /// <summary>Computes ML.NET's multiclass metrics from actual class indices and per-class probabilities.</summary>
    public MulticlassClassificationMetrics Evaluate(IReadOnlyList<int> labels, IReadOnlyList<float[]> scores,
        IReadOnlyList<string> classNames, int topKPredictionCount = 1)
    {
        var metrics = MulticlassClassificationMetrics.Compute(labels, scores, classNames, topKPredictionCount);
        _context.Write(LogSeverity.Info, "Evaluate", metrics.ToString());
        return metrics;
    }
}
