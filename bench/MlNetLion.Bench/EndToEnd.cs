using System.Globalization;
using System.Text.Json;
using MlNetLion.Text;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// Our side of the end-to-end comparison with PyTorch (bench/pytorch/compare.py runs both, interleaved): the
/// library's trainer with its defaults, trained for a fixed number of steps by giving it exactly
/// steps × batch rows and one epoch (no library change needed). The time runs from the end of the warm-up
/// steps to the end of the last step, as on the PyTorch side; set-up (featurization, network creation) is left out.
/// </summary>
internal static class EndToEnd
{
    public static int Run(string model, string optimizer, int steps, int batch, int threads, int warmup, string? exportText)
    {
        var ctx = new MLContext(seed: 1);
        var rows = steps * batch;
        var choice = OptimizerChoice.Parse(optimizer);
        var clock = new StepClock();
        ClassificationModel trained;
        if (model == "cnn")
        {
            var (train, _) = BenchData.FashionMnist(ctx, rows, 0);
            var trainer = choice.ApplyTo(ctx.MulticlassClassification.Trainers.ImageClassification(new ImageClassificationOptions
            {
                LabelColumnName = "Label", ImageColumnName = "Image", BatchSize = batch, MaxEpoch = 1, NumberOfThreads = threads,
            }));
            trained = trainer.Fit(train, progress: clock);
        }
        else if (model == "text")
        {
            var (train, _) = BenchData.SpamAssassin(ctx, rows, 0);
            // The PyTorch replica implements this model and trains on the exported word ids.
            var options = new TextClassificationOptions
            {
                LabelColumnName = "Label", Sentence1ColumnName = "Text", BatchSize = batch, MaxEpoch = 1, NumberOfThreads = threads,
            }.WithDocumentedTextModel();
            if (exportText is not null) ExportTokenIds(train.Rows, options, exportText);
            trained = choice.ApplyTo(ctx.MulticlassClassification.Trainers.TextClassification(options)).Fit(train, progress: clock);
        }
        else throw new ArgumentException($"unknown model '{model}' (cnn, text)");

        using (trained)
        {
            var (seconds, timed) = clock.After(warmup);
            Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["side"] = "ours", ["model"] = model, ["optimizer"] = optimizer, ["params"] = trained.ParameterCount, ["batch"] = batch,
                ["threads"] = threads, ["steps"] = steps, ["timed_steps"] = timed, ["samples_per_s"] = timed * batch / seconds,
                ["seconds"] = seconds, ["peak_rss_mb"] = Stats.PeakRssMiB(), ["final_loss"] = trained.TrainingHistory!.StepLosses[^1],
                ["optimizer_impl"] = trained.TrainingHistory.Optimizer, ["torch"] = MlNetLion.Torch.Torch.Version,
                ["omp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY"),
                ["malloc_tuning"] = MlNetLion.Torch.Torch.MallocTuningApplied,
            }));
        }
        return 0;
    }

    /// <summary>
    /// Writes the token ids the text trainer will train on (its tokenizer, learned the same way from the same
    /// rows), so that the PyTorch side trains on identical inputs: little-endian int32 rows, vocabulary size,
    /// classes (2), then per row the label (ham 0, spam 1: the trainer's sorted label order), the length and the ids.
    /// </summary>
    private static void ExportTokenIds(IReadOnlyList<TextRow> rows, TextClassificationOptions options, string path)
    {
        var tokenizer = WordTokenizer.Learn(rows.Select(r => r.Text), options.MaxVocabularySize, options.MinWordCount);
        using var w = new BinaryWriter(File.Create(path));
        w.Write(rows.Count);
        w.Write(tokenizer.VocabularySize);
        w.Write(2);
        foreach (var r in rows)
        {
            var ids = tokenizer.Encode(r.Text, options.MaxLength);
            w.Write(r.Label == "spam" ? 1 : 0);
            w.Write(ids.Length);
            foreach (var id in ids) w.Write(id);
        }
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"exported {rows.Count} rows of token ids (vocabulary {tokenizer.VocabularySize}) to {path}"));
    }
}
