using System.Globalization;
using MlNetLion.Cli.Output;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// Final validation loss of the default image model (residual CNN) on Fashion-MNIST for 4 widths and several
/// batch sizes, Lion vs AdamW (the same number of epochs everywhere, so a larger batch takes fewer steps), with a
/// power law loss = A·N^b fitted per optimizer and batch size over the parameter count N, and over training compute C.
/// The learning rate is tuned per optimizer and batch size: three points 3x apart at width 8 with a tuning seed, the
/// lowest final validation loss wins, and every width trains with it (Lion's grid 3x below AdamW's, weight decay 0.1
/// vs 0.01, as in the convergence study). <c>--default-rates</c> uses the trainer's defaults instead (Lion lr 1e-3,
/// AdamW 3e-3) and writes its files with that tag.
/// </summary>
internal static class ScalingStudy
{
    private const int TuningSeed = 100;
    private const int TuningWidth = 8;
    private static readonly double[] AdamWGrid = [1e-2, 3e-2, 1e-1];

    public static void Run(bool quick, string folder, bool resume, bool defaultRates)
    {
        var output = new StudyOutput(folder, "scaling", quick, defaultRates ? "default-rates" : null);
        var widths = new[] { 4, 8, 16, 32 };
        var batches = quick ? new[] { 32, 128 } : [32, 128, 512];
        var seeds = new[] { 1 };
        var epochs = quick ? 3 : 4;
        var data = quick ? StudyData.FashionMnist(3000, 1000, epochs) : StudyData.FashionMnist(10000, 10000, epochs);
        data.Cache = new RunCache(output.Prefix, resume);
        var runs = new List<(RunResult Run, double Flops)>();
        var tuning = new List<string[]>();
        var choices = new Dictionary<(string, int), OptimizerChoice>();
        foreach (var batch in batches)
            foreach (var optimizer in new[] { "Lion", "AdamW" })
                choices[(optimizer, batch)] = defaultRates ? new OptimizerChoice(optimizer) : Tune(data, optimizer, batch, tuning);
        foreach (var batch in batches)
            foreach (var width in widths)
                foreach (var optimizer in new[] { "Lion", "AdamW" })
                    foreach (var seed in seeds)
                    {
                        var r = data.Train(choices[(optimizer, batch)], seed, batch, width);
                        runs.Add((r, TrainingFlopsPerSample(1, width, 1, 28, 10) * (double)data.TrainRows * epochs));
                    }

        // mean over seeds per (optimizer, batch, width)
        var points = runs.GroupBy(x => (x.Run.Optimizer, x.Run.Batch, x.Run.Width))
            .Select(g => (g.Key.Optimizer, g.Key.Batch, g.Key.Width, Params: (double)g.First().Run.Parameters, g.First().Flops,
                Loss: g.Average(x => x.Run.FinalLogLoss), Accuracy: g.Average(x => x.Run.FinalAccuracy)))
            .ToList();
        var fits = new List<Dictionary<string, object?>>();
        var byParams = new SvgPlot($"Fashion-MNIST CNN: final validation loss vs parameters ({output.Mode}; dashed: fits)", "parameters N", "validation log-loss", logX: true, logY: true);
        var byCompute = new SvgPlot($"Fashion-MNIST CNN: final validation loss vs training compute ({output.Mode}; dashed: fits)", "training FLOPs C (≈ 6 × forward MACs × samples)", "validation log-loss", logX: true, logY: true);
        var rows = new List<string[]>();
        var series = 0;
        foreach (var group in points.GroupBy(p => (p.Optimizer, p.Batch)).OrderBy(g => g.Key.Batch).ThenBy(g => g.Key.Optimizer))
        {
            var ps = group.OrderBy(p => p.Params).ToList();
            var fitN = PowerLaw.Fit(ps.Select(p => p.Params).ToList(), ps.Select(p => p.Loss).ToList());
            var fitC = PowerLaw.Fit(ps.Select(p => p.Flops).ToList(), ps.Select(p => p.Loss).ToList());
            var name = $"{group.Key.Optimizer}, batch {group.Key.Batch}";
            var color = SvgPlot.ColorAt(series++);
            byParams.Add($"{name}: N^{fitN.Exponent:F3}", ps.Select(p => (p.Params, p.Loss, 0.0)), lines: false, color: color)
                .Add("", ps.Select(p => (p.Params, fitN.At(p.Params), 0.0)), dashed: true, color: color);
            byCompute.Add($"{name}: C^{fitC.Exponent:F3}", ps.Select(p => (p.Flops, p.Loss, 0.0)), lines: false, color: color)
                .Add("", ps.Select(p => (p.Flops, fitC.At(p.Flops), 0.0)), dashed: true, color: color);
            fits.Add(new()
            {
                ["optimizer"] = group.Key.Optimizer, ["batch"] = group.Key.Batch,
                ["params_fit"] = new { fitN.A, fitN.Exponent, fitN.RSquared }, ["compute_fit"] = new { fitC.A, fitC.Exponent, fitC.RSquared },
                ["points"] = ps.Select(p => new { p.Width, p.Params, p.Flops, p.Loss, p.Accuracy }).ToList(),
            });
            rows.Add([group.Key.Optimizer, group.Key.Batch.ToString(CultureInfo.InvariantCulture),
                string.Join(" / ", ps.Select(p => p.Loss.ToString("F4", CultureInfo.InvariantCulture))),
                string.Join(" / ", ps.Select(p => p.Accuracy.ToString("P1", CultureInfo.InvariantCulture))),
                $"{fitN.Exponent:F3} (R² {fitN.RSquared:F2})", $"{fitC.Exponent:F3} (R² {fitC.RSquared:F2})"]);
        }
        // Lion's advantage per batch size: mean over widths of AdamW loss / Lion loss (> 1: Lion lower).
        var advantage = batches.Select(b => new
        {
            Batch = b,
            AdamWOverLion = widths.Average(w => points.Single(p => p.Optimizer == "AdamW" && p.Batch == b && p.Width == w).Loss
                / points.Single(p => p.Optimizer == "Lion" && p.Batch == b && p.Width == w).Loss),
        }).ToList();
        output.Svg("params", byParams);
        output.Svg("compute", byCompute);
        output.Csv("runs", "optimizer,batch,width,seed,params,train_flops,final_logloss,final_acc,best_acc,seconds,step_ms,state_bytes",
            runs.Select(x => StudyOutput.Row(x.Run.Optimizer, x.Run.Batch, x.Run.Width, x.Run.Seed, x.Run.Parameters, x.Flops, x.Run.FinalLogLoss,
                x.Run.FinalAccuracy, x.Run.BestAccuracy, x.Run.Seconds, x.Run.StepSeconds * 1e3, x.Run.OptimizerStateBytes)));
        output.Json(new { widths, batches, seeds, epochs, train_rows = data.TrainRows, validation_rows = data.TestRows, fits, lion_advantage_by_batch = advantage,
                learning_rates = choices.Select(c => new { optimizer = c.Key.Item1, batch = c.Key.Item2, lr = c.Value.LearningRate, wd = c.Value.WeightDecay }).ToList() },
            runs.Select(r => r.Run), data.Cache);
        var md = $"\nFashion-MNIST ({data.TrainRows} training / {data.TestRows} validation images, {epochs} epochs, widths {string.Join("/", widths)}, " +
            $"{seeds.Length} seed(s)); loss and accuracy listed by width:\n\n" +
            StudyOutput.Markdown(["optimizer", "batch", "final val loss", "final val acc", "exponent vs N", "exponent vs C"], rows) +
            "\nAdamW loss / Lion loss, mean over widths (> 1: Lion lower): " +
            string.Join(", ", advantage.Select(a => $"batch {a.Batch}: {a.AdamWOverLion:F3}")) + "\n" +
            (defaultRates ? "\nLearning rates: the trainer's defaults (Lion 1e-3, wd 0.1; AdamW 3e-3, wd 0.01).\n"
                : $"\nLearning rates, tuned at width {TuningWidth} (seed {TuningSeed}; final validation loss per grid point, the chosen one in bold):\n\n" +
                  StudyOutput.Markdown(["optimizer", "batch", "lr grid: loss", "chosen"], tuning));
        File.WriteAllText(Path.Combine(folder, $"{output.Prefix}.md"), md);
        Console.WriteLine(md);
    }

    /// <summary>One run per grid point at <see cref="TuningWidth"/>; the lowest final validation loss wins (a diverged run loses).</summary>
    private static OptimizerChoice Tune(StudyData data, string optimizer, int batch, List<string[]> table)
    {
        var lion = optimizer == "Lion";
        var grid = AdamWGrid.Select(lr => lion ? lr / 3 : lr).ToArray();
        var trials = new List<(OptimizerChoice Choice, double Loss)>();
        foreach (var lr in grid)
        {
            var choice = new OptimizerChoice(optimizer, LearningRate: lr, WeightDecay: lion ? 0.1 : 0.01);
            try { trials.Add((choice, data.Train(choice, TuningSeed, batch, TuningWidth).FinalLogLoss)); }
            catch (TrainingException) { trials.Add((choice, double.PositiveInfinity)); }
        }
        var best = trials.MinBy(t => t.Loss);
        if (double.IsPositiveInfinity(best.Loss)) throw new InvalidOperationException($"{optimizer}, batch {batch}: every tuning trial diverged");
        table.Add([optimizer, batch.ToString(CultureInfo.InvariantCulture),
            string.Join(" / ", trials.Select(t =>
            {
                var cell = string.Create(CultureInfo.InvariantCulture, $"{t.Choice.LearningRate:G3}: {(double.IsPositiveInfinity(t.Loss) ? "diverged" : t.Loss.ToString("F4", CultureInfo.InvariantCulture))}");
                return t.Choice == best.Choice ? $"**{cell}**" : cell;
            })),
            best.Choice.LearningRate == grid[0] ? "lowest" : best.Choice.LearningRate == grid[^1] ? "highest" : "interior"]);
        return best.Choice;
    }

    /// <summary>
    /// Training FLOPs per sample of the shim's residual CNN (native/src/models_image.cpp, same size rules):
    /// 2 FLOPs per multiply-add, forward + backward ≈ 3 × forward; convolutions and the head (BN, ReLU, pooling left out).
    /// </summary>
    internal static double TrainingFlopsPerSample(int inChannels, int width, int depth, int inputSize, int classes)
    {
        double macs = 0;
        long size = inputSize;
        var stemStride = size >= 64 ? 2 : 1;
        size = (size + stemStride - 1) / stemStride;
        macs += (double)size * size * width * inChannels * 9;
        if (inputSize >= 128) size = (size + 1) / 2;
        long cin = width;
        for (var s = 0; s < 3; s++)
        {
            long cout = (long)width << s;
            var stride = 1;
            if (s > 0 && size >= 8)
            {
                stride = 2;
                size = (size + 1) / 2;
            }
            for (var b = 0; b < depth; b++)
            {
                var first = b == 0;
                macs += (double)size * size * cout * cin * 9 + (double)size * size * cout * cout * 9;
                if (first && (stride != 1 || cin != cout)) macs += (double)size * size * cout * cin;
                cin = cout;
            }
        }
        macs += (double)cin * classes;
        return 6 * macs;
    }
}
