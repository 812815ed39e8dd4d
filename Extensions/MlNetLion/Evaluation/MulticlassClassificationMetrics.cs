namespace MlNetLion.Evaluation;

/// <summary>Quality of a multiclass classifier on a data set, with ML.NET's metric names and definitions.</summary>
public sealed class MulticlassClassificationMetrics
{
    /// <summary>Probabilities are clipped to [Epsilon, 1] before taking logs (as ML.NET does).</summary>
    public const double Epsilon = 1e-15;

    private MulticlassClassificationMetrics(double micro, double macro, double logLoss, double logLossReduction,
        int topK, IReadOnlyList<double> topKForAllK, IReadOnlyList<double> perClassLogLoss, ConfusionMatrix confusion, int rows, int skippedRows)
    {
        MicroAccuracy = micro;
        MacroAccuracy = macro;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        TopKPredictionCount = topK;
        TopKAccuracyForAllK = topKForAllK;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusion;
        RowCount = rows;
        SkippedRows = skippedRows;
    }

    /// <summary>Fraction of rows whose predicted class is the actual class.</summary>
    public double MicroAccuracy { get; }

    /// <summary>Mean over the classes present in the data of each class's accuracy (its recall).</summary>
    public double MacroAccuracy { get; }

    /// <summary>Mean of -ln(p(actual class)).</summary>
    public double LogLoss { get; }

    /// <summary>1 - LogLoss / LogLoss of always predicting the data's class frequencies (1 is perfect, 0 no better than the prior, negative worse).</summary>
    public double LogLossReduction { get; }

    /// <summary>The K of <see cref="TopKAccuracy"/>.</summary>
    public int TopKPredictionCount { get; }

    /// <summary>Fraction of rows whose actual class is among the K most probable.</summary>
    public double TopKAccuracy => TopKAccuracyForAllK[TopKPredictionCount - 1];

    /// <summary>Top-k accuracy for k = 1 .. <see cref="TopKPredictionCount"/>.</summary>
    public IReadOnlyList<double> TopKAccuracyForAllK { get; }

    /// <summary>For each class, the mean log-loss over the rows of that class (0 for a class with no rows).</summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>Counts of actual vs predicted classes.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>Number of rows evaluated.</summary>
    public int RowCount { get; }

    /// <summary>Rows of the data left out because the model could not score them (not in <see cref="RowCount"/>).</summary>
    public int SkippedRows { get; }

    /// <summary>
    /// Computes the metrics from each row's actual class index and predicted class probabilities
    /// (each row's scores: one per class, summing to 1). The predicted class is the most probable one
    /// (the first on ties).
    /// </summary>
    public static MulticlassClassificationMetrics Compute(IReadOnlyList<int> labels, IReadOnlyList<float[]> scores,
        IReadOnlyList<string> classNames, int topKPredictionCount = 1) => Compute(labels, scores, classNames, topKPredictionCount, skippedRows: 0);

    internal static MulticlassClassificationMetrics Compute(IReadOnlyList<int> labels, IReadOnlyList<float[]> scores,
        IReadOnlyList<string> classNames, int topKPredictionCount, int skippedRows)
    {
        var n = labels.Count;
        var k = classNames.Count;
        if (n == 0) throw new ArgumentException("Cannot evaluate an empty data set.", nameof(labels));
        if (scores.Count != n) throw new ArgumentException($"{n} labels but {scores.Count} score rows.", nameof(scores));
        if (topKPredictionCount < 1 || topKPredictionCount > k)
            throw new ArgumentOutOfRangeException(nameof(topKPredictionCount), topKPredictionCount, $"must be between 1 and the number of classes ({k}).");

        var counts = new long[k, k];
        var classRows = new long[k];
        var classLoss = new double[k];
        var topHits = new long[topKPredictionCount];
        double loss = 0;
        for (var i = 0; i < n; i++)
        {
            var y = labels[i];
            var s = scores[i];
            if (y < 0 || y >= k) throw new ArgumentOutOfRangeException(nameof(labels), y, $"row {i}: class index outside 0..{k - 1}.");
            if (s.Length != k) throw new ArgumentException($"row {i} has {s.Length} scores for {k} classes.", nameof(scores));
            var predicted = 0;
            var rank = 0; // how many classes score strictly higher than the actual one (ties favour the lower index)
            for (var c = 0; c < k; c++)
            {
                if (s[c] > s[predicted]) predicted = c;
                if (s[c] > s[y] || (s[c] == s[y] && c < y)) rank++;
            }
            counts[y, predicted]++;
            for (var t = rank; t < topKPredictionCount; t++) topHits[t]++;
            var rowLoss = -Math.Log(Math.Max(Epsilon, s[y]));
            loss += rowLoss;
            classLoss[y] += rowLoss;
            classRows[y]++;
        }
        loss /= n;
        double priorLoss = 0;
        for (var c = 0; c < k; c++)
            if (classRows[c] > 0) priorLoss -= classRows[c] / (double)n * Math.Log((double)classRows[c] / n);
        var confusion = new ConfusionMatrix(classNames, counts);
        var present = Enumerable.Range(0, k).Where(c => classRows[c] > 0).ToArray();
        return new MulticlassClassificationMetrics(
            micro: Enumerable.Range(0, k).Sum(c => counts[c, c]) / (double)n,
            macro: present.Average(c => confusion.PerClassRecall[c]),
            logLoss: loss,
            logLossReduction: priorLoss > 0 ? (priorLoss - loss) / priorLoss : 0,
            topK: topKPredictionCount,
            topKForAllK: topHits.Select(h => h / (double)n).ToArray(),
            perClassLogLoss: Enumerable.Range(0, k).Select(c => classRows[c] > 0 ? classLoss[c] / classRows[c] : 0).ToArray(),
            confusion: confusion,
            rows: n,
            skippedRows: skippedRows);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MicroAccuracy {MicroAccuracy:F4}, MacroAccuracy {MacroAccuracy:F4}, LogLoss {LogLoss:F4}, LogLossReduction {LogLossReduction:F4}, " +
        $"Top{TopKPredictionCount}Accuracy {TopKAccuracy:F4} ({RowCount} rows{(SkippedRows > 0 ? $", {SkippedRows} skipped" : "")})";
}
