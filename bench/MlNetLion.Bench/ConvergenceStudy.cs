using System.Globalization;
using MlNetLion.Cli.Output;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// Lion vs AdamW vs SGD-momentum vs Lookahead(each) on Fashion-MNIST and SpamAssassin, with the trainers' default
/// networks and schedule (cosine with 5% warmup, decayed to 0 at the last step). Every optimizer gets the same
/// number of tuning trials: one run per learning rate of its grid (Lion's grid 3x smaller than AdamW's, its weight
/// decay 10x larger, as the Lion paper advises) with the tuning seed; the best final validation accuracy picks the
/// rate; then the evaluation seeds (different from the tuning seed) train with it. Grid points are 3x apart: three
/// per optimizer, four on Fashion-MNIST in the full mode (its runs are cheap, and Lion's pick sat at the top of a
/// three-point grid). The data sets are cut so that the full study takes about an hour on a 2-core machine; the
/// --quick mode takes a few minutes. A tuning trial that diverges (the trainer stops on a non-finite loss) counts
/// as a lost trial.
/// </summary>
internal static class ConvergenceStudy
{
    private const int TuningSeed = 100;

    private sealed record Setup(StudyData Data, int Batch, double[] AdamWGrid, double[] SgdGrid, double AdamWDecay, double LionDecay, double SgdDecay);

    public static void Run(bool quick, string folder, string? only, int seedCount, bool resume)
    {
        var seeds = Enumerable.Range(1, seedCount > 0 ? seedCount : quick ? 2 : 5).ToArray();
        var output = new StudyOutput(folder, "convergence", quick, seedCount > 0 ? $"{seeds.Length}seeds" : null);
        var cache = new RunCache(output.Prefix, resume);
        var setups = new List<Func<Setup>>
        {
            () => new(quick ? StudyData.FashionMnist(2000, 1000, epochs: 4) : StudyData.FashionMnist(10000, 10000, epochs: 5), Batch: quick ? 64 : 128,
                AdamWGrid: quick ? [3e-3, 1e-2, 3e-2] : [3e-3, 1e-2, 3e-2, 1e-1], SgdGrid: quick ? [0.1, 0.3, 1.0] : [0.03, 0.1, 0.3, 1.0], 0.01, 0.1, 5e-4),
            () => new(quick ? StudyData.SpamAssassin(400, 300, epochs: 3, maxLength: 64) : StudyData.SpamAssassin(2000, 1118, epochs: 3, maxLength: 128), Batch: 32,
                AdamWGrid: quick ? [1e-3, 3e-3, 1e-2] : [3e-4, 1e-3, 3e-3], SgdGrid: quick ? [0.05, 0.15, 0.5] : [0.015, 0.05, 0.15], 0.01, 0.1, 5e-4),
        };
        var runs = new List<(string Phase, RunResult Run)>();
        var summary = new List<object>();
        var markdown = new System.Text.StringBuilder();
        foreach (var make in setups)
        {
            var s = make();
            if (only is not null && !s.Data.Name.Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
            s.Data.Cache = cache;
            Console.Error.WriteLine($"{s.Data.Name}: {s.Data.TrainRows} training / {s.Data.TestRows} validation rows");
            var evals = new Dictionary<string, List<RunResult>>();
            var tuning = new Dictionary<string, (double[] Grid, List<double> Diverged, double Chosen)>();
            foreach (var lookahead in new[] { false, true })
                foreach (var inner in new[] { "Lion", "AdamW", "SGD" })
                {
                    var (grid, decay) = inner switch
                    {
                        "Lion" => (s.AdamWGrid.Select(lr => lr / 3).ToArray(), s.LionDecay),
                        "AdamW" => (s.AdamWGrid, s.AdamWDecay),
                        _ => (s.SgdGrid, s.SgdDecay),
                    };
                    var trials = new List<RunResult>();
                    var diverged = new List<double>();
                    foreach (var lr in grid)
                    {
                        try { trials.Add(s.Data.Train(new OptimizerChoice(inner, lookahead, lr, decay), TuningSeed, s.Batch)); }
                        catch (TrainingException e)
                        {
                            diverged.Add(lr);
                            Console.Error.WriteLine($"  {s.Data.Name} {(lookahead ? $"Lookahead({inner})" : inner)} lr {F(lr)}: diverged ({e.Message})");
                        }
                    }
                    if (trials.Count == 0) throw new InvalidOperationException($"{s.Data.Name} {inner}: every tuning trial diverged");
                    runs.AddRange(trials.Select(t => ("tune", t)));
                    var best = trials.OrderByDescending(t => t.FinalAccuracy).ThenBy(t => t.FinalLogLoss).First();
                    tuning[(lookahead ? $"Lookahead({inner})" : inner)] = (grid, diverged, best.LearningRate);
                    var chosen = new OptimizerChoice(inner, lookahead, best.LearningRate, decay);
                    var results = seeds.Select(seed => s.Data.Train(chosen, seed, s.Batch)).ToList();
                    runs.AddRange(results.Select(r => ("eval", r)));
                    evals[chosen.Name] = results;
                }

            // AlgoPerf-style target: 99% of the best optimizer's mean final accuracy.
            var target = 0.99 * evals.Values.Max(r => r.Average(x => x.FinalAccuracy));
            var rows = new List<string[]>();
            var plot = new SvgPlot($"{s.Data.Name}: validation accuracy ({output.Mode}; mean ± sd over {seeds.Length} seeds)", "epoch", "validation accuracy");
            foreach (var (name, results) in evals)
            {
                var finals = results.Select(r => r.FinalAccuracy).ToList();
                var bests = results.Select(r => r.BestAccuracy).ToList();
                var times = results.Select(r => r.SecondsToTarget(target)).ToList();
                var reached = times.Where(t => t is not null).Select(t => t!.Value).ToList();
                var entry = new Dictionary<string, object?>
                {
                    ["dataset"] = s.Data.Name, ["optimizer"] = name, ["learning_rate"] = results[0].LearningRate, ["weight_decay"] = results[0].WeightDecay,
                    ["seeds"] = seeds, ["final_accuracy_mean"] = finals.Average(), ["final_accuracy_sd"] = Stats.StdDev(finals),
                    ["final_accuracy_min"] = finals.Min(), ["final_accuracy_max"] = finals.Max(), ["best_accuracy_mean"] = bests.Average(),
                    ["best_accuracy_sd"] = Stats.StdDev(bests), ["final_logloss_mean"] = results.Average(r => r.FinalLogLoss),
                    ["target_accuracy"] = target, ["runs_reaching_target"] = reached.Count,
                    ["seconds_to_target_median"] = reached.Count > 0 ? Stats.Median(reached) : null,
                    ["step_ms_median"] = Stats.Median(results.Select(r => r.StepSeconds * 1e3)),
                    ["optimizer_state_bytes"] = results[0].OptimizerStateBytes, ["parameters"] = results[0].Parameters,
                    ["lr_grid"] = tuning[name].Grid, ["lr_grid_diverged"] = tuning[name].Diverged,
                    ["lr_chosen_position"] = ChosenPosition(tuning[name].Grid, tuning[name].Chosen),
                };
                summary.Add(entry);
                rows.Add([name, string.Join(" / ", tuning[name].Grid.Select(g => g == tuning[name].Chosen ? $"**{F(g)}**" : tuning[name].Diverged.Contains(g) ? $"{F(g)} (diverged)" : F(g))),
                    ChosenPosition(tuning[name].Grid, tuning[name].Chosen), F(results[0].WeightDecay ?? 0),
                    $"{finals.Average():P2} ± {Stats.StdDev(finals) * 100:F2}", $"{finals.Min():P2}–{finals.Max():P2}", $"{bests.Average():P2} ± {Stats.StdDev(bests) * 100:F2}",
                    reached.Count > 0 ? $"{Stats.Median(reached):F1} s ({reached.Count}/{results.Count})" : $"not reached (0/{results.Count})",
                    $"{Stats.Median(results.Select(r => r.StepSeconds * 1e3)):F1}", $"{results[0].OptimizerStateBytes / 1024.0:F0} KiB ({results[0].OptimizerStateBytes / (double)results[0].Parameters:F0} B/param)"]);
                var epochs = results[0].Epochs.Count;
                plot.Add(name, Enumerable.Range(0, epochs).Select(e =>
                {
                    var accs = results.Select(r => r.Epochs[e].ValidationAccuracy ?? double.NaN).ToList();
                    return ((double)e + 1, accs.Average(), Stats.StdDev(accs));
                }), dashed: name.StartsWith("Lookahead", StringComparison.Ordinal), color: SvgPlot.ColorAt((rows.Count - 1) % 3)); // Lookahead(X) in X's colour
            }
            output.Svg(s.Data.Name.ToLowerInvariant(), plot);
            markdown.Append($"\n{s.Data.Name} ({s.Data.TrainRows} training / {s.Data.TestRows} validation rows, batch {s.Batch}; target accuracy {target:P2}):\n\n");
            markdown.Append(StudyOutput.Markdown(["optimizer", "lr grid (chosen in bold)", "chosen", "wd", "final acc (mean ± sd)", "final min–max", "best acc", "time to target (median)", "step ms", "optimizer state"], rows));
            var lion = evals["Lion"].Select(r => r.FinalAccuracy).ToList();
            var adamW = evals["AdamW"].Select(r => r.FinalAccuracy).ToList();
            var (lionGain, lionP) = MeanDifference(lion, adamW);
            summary.Add(new Dictionary<string, object?> { ["dataset"] = s.Data.Name, ["lion_minus_adamw_points"] = lionGain, ["welch_p"] = OrNull(lionP) });
            markdown.Append($"\nLion − AdamW, final accuracy: {lionGain:+0.00;−0.00} points (Welch's t-test p = {lionP:F2}).\n");
            markdown.Append($"\n{s.Data.Name}, Lookahead around each optimizer: the change in mean final accuracy, and the claim of a lower spread across seeds:\n\n");
            markdown.Append(StudyOutput.Markdown(["inner optimizer", "mean change (points)", "Welch p", "sd without", "sd with Lookahead", "variance ratio (with / without)", "F-test p (two-sided)"],
                LookaheadEffect(s.Data.Name, evals, summary)));
        }
        output.Csv("runs", "phase,dataset,optimizer,lr,wd,seed,batch,params,final_acc,best_acc,final_logloss,seconds,step_ms,state_bytes,epoch_accs",
            runs.Select(x => StudyOutput.Row(x.Phase, x.Run.Dataset, x.Run.Optimizer, x.Run.LearningRate, x.Run.WeightDecay, x.Run.Seed, x.Run.Batch, x.Run.Parameters,
                x.Run.FinalAccuracy, x.Run.BestAccuracy, x.Run.FinalLogLoss, x.Run.Seconds, x.Run.StepSeconds * 1e3, x.Run.OptimizerStateBytes,
                string.Join(" ", x.Run.Epochs.Select(e => F(e.ValidationAccuracy ?? double.NaN))))));
        output.Json(summary, runs.Select(r => r.Run), cache);
        File.WriteAllText(Path.Combine(folder, $"{output.Prefix}.md"), markdown.ToString());
        Console.WriteLine(markdown);
    }

    /// <summary>
    /// For each inner optimizer X, Lookahead(X)'s final accuracy against X's: the change of the mean (Welch's t-test),
    /// and the spread across seeds with and without (two-sided F-test of equal variances; with 5 seeds each only a
    /// variance ratio beyond about 1/9.6 or 9.6 reaches p &lt; 0.05).
    /// </summary>
    private static List<string[]> LookaheadEffect(string dataset, Dictionary<string, List<RunResult>> evals, List<object> summary)
    {
        var rows = new List<string[]>();
        foreach (var inner in new[] { "Lion", "AdamW", "SGD" })
        {
            var without = evals[inner].Select(r => r.FinalAccuracy).ToList();
            var with = evals[$"Lookahead({inner})"].Select(r => r.FinalAccuracy).ToList();
            double sdWithout = Stats.StdDev(without), sdWith = Stats.StdDev(with);
            var ratio = sdWithout > 0 ? Math.Pow(sdWith / sdWithout, 2) : double.NaN;
            var p = Stats.VarianceRatioPValue(with, without);
            var (change, meanP) = MeanDifference(with, without);
            summary.Add(new Dictionary<string, object?>
            {
                ["dataset"] = dataset, ["lookahead_around"] = inner, ["mean_change_points"] = change, ["welch_p"] = OrNull(meanP),
                ["sd_without"] = sdWithout, ["sd_with"] = sdWith, ["variance_ratio"] = OrNull(ratio), ["f_test_p"] = OrNull(p),
            });
            rows.Add([inner, $"{change:+0.00;−0.00}", double.IsNaN(meanP) ? "-" : $"{meanP:F2}", $"{sdWithout * 100:F2}", $"{sdWith * 100:F2}",
                double.IsNaN(ratio) ? "-" : $"{ratio:F2}", double.IsNaN(p) ? "-" : $"{p:F2}"]);
        }
        return rows;
    }

    /// <summary>Mean of <paramref name="a"/> minus mean of <paramref name="b"/> in accuracy points, and Welch's two-sided p.</summary>
    private static (double Points, double P) MeanDifference(List<double> a, List<double> b) =>
        ((a.Average() - b.Average()) * 100, Stats.WelchTTestPValue(a, b));

    private static double? OrNull(double v) => double.IsNaN(v) ? null : v;

    /// <summary>Where the tuning's pick lies in its grid: "interior", or "lowest"/"highest" edge (then the optimum may lie beyond it).</summary>
    private static string ChosenPosition(double[] grid, double chosen) =>
        chosen == grid.Min() ? "lowest" : chosen == grid.Max() ? "highest" : "interior";

    private static string F(double v) => v.ToString("G3", CultureInfo.InvariantCulture);
}
