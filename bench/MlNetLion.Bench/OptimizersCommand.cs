using System.Globalization;
using System.Text.Json;

namespace MlNetLion.Bench;

/// <summary>
/// <c>optimizers [--json] [--sizes 1M,10M,32M] [--threads N] [--seconds S] [--only Lion,AdamW,SGD-momentum,Lookahead(Lion)]</c>:
/// the optimizer step benchmark (<see cref="OptimizerBenchmark"/>) as a table, or one JSON object per line.
/// </summary>
internal static class OptimizersCommand
{
    public static int Run(string[] args)
    {
        string? Option(string name) => CommandLine.Option(args, name);
        var json = args.Contains("--json");
        var sizes = (Option("--sizes") ?? "1M,10M,32M").Split(',').Select(ParseSize).ToArray();
        var threads = int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        var seconds = double.Parse(Option("--seconds") ?? "1.5", CultureInfo.InvariantCulture);
        var only = Option("--only")?.Split(',').ToHashSet();
        MlNetLion.Torch.Torch.NumThreads = threads;

        var rows = new List<Row>();
        if (!json)
            Console.WriteLine($"{"optimizer",-16} {"path",-15} {"params",10} {"thr",3} {"ns/param",9} {"GB/s",7} {"B/param",8} {"state B/p",9} {"vs fused",9}");
        foreach (var row in OptimizerBenchmark.Run(sizes, threads, seconds, only))
        {
            rows.Add(row);
            var fused = rows.FirstOrDefault(r => r.Optimizer == row.Optimizer && r.Params == row.Params && r.Path == "fused");
            var ratio = fused is null ? 1 : row.NsPerParam / fused.NsPerParam;
            if (json)
            {
                Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                {
                    ["benchmark"] = "optimizers", ["optimizer"] = row.Optimizer, ["path"] = row.Path, ["params"] = row.Params,
                    ["threads"] = row.Threads, ["ns_per_param"] = Math.Round(row.NsPerParam, 4), ["gb_per_s"] = Math.Round(row.GbPerS, 2),
                    ["bytes_per_param"] = row.BytesPerParam, ["state_bytes_per_param"] = row.StateBytesPerParam,
                    ["time_vs_fused"] = Math.Round(ratio, 3), ["iterations"] = row.Iterations,
                }));
            }
            else
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Optimizer,-16} {row.Path,-15} {row.Params,10} {row.Threads,3} {row.NsPerParam,9:F3} {row.GbPerS,7:F1} {row.BytesPerParam,8:F1} {row.StateBytesPerParam,9:F1} {ratio,8:F2}x"));
            }
        }
        if (!json)
        {
            Console.WriteLine();
            foreach (var n in sizes)
            {
                double Ns(string o, string p) => rows.FirstOrDefault(r => r.Optimizer == o && r.Path == p && r.Params == n)?.NsPerParam ?? double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{n,10} params: Lion tensor-ops/fused = {Ns("Lion", "tensor-ops") / Ns("Lion", "fused"):F2}x; Lion / copy: fused {Ns("Lion", "fused") / Ns("Lion", "copy"):F2}x, " +
                    $"fused-skipstep {Ns("Lion", "fused-skipstep") / Ns("Lion", "copy"):F2}x, fused-unchecked {Ns("Lion", "fused-unchecked") / Ns("Lion", "copy"):F2}x; " +
                    $"Lion/AdamW: fused {Ns("Lion", "fused") / Ns("AdamW", "fused"):F2}, fused-skipstep {Ns("Lion", "fused-skipstep") / Ns("AdamW", "fused-skipstep"):F2}, " +
                    $"fused-unchecked {Ns("Lion", "fused-unchecked") / Ns("AdamW", "fused-unchecked"):F2}, copy {Ns("Lion", "copy") / Ns("AdamW", "copy"):F2}"));
            }
        }
        return 0;
    }

    private static long ParseSize(string s)
    {
        s = s.Trim().ToUpperInvariant();
        var mult = s.EndsWith('M') ? 1_000_000L : s.EndsWith('K') ? 1_000L : 1L;
        return (long)(double.Parse(s.TrimEnd('M', 'K'), CultureInfo.InvariantCulture) * mult);
    }
}
