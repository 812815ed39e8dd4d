using System.Globalization;
using MlNetLion.Bench;

// Usage (docs/benchmarks.md has what each produces):
//   dotnet run -c Release --project bench/MlNetLion.Bench -- optimizers [--json] [--sizes 1M,10M,32M] [--threads N] [--seconds S] [--only Lion,AdamW]
//   dotnet run -c Release --project bench/MlNetLion.Bench -- e2e --model cnn|text --optimizer lion|adamw --steps N --batch B --threads T [--warmup W] [--export-text FILE]
//   dotnet run -c Release --project bench/MlNetLion.Bench -- convergence [--quick] [--seeds N] [--only fashion|spam] [--out docs/benchmarks] [--resume]
//   dotnet run -c Release --project bench/MlNetLion.Bench -- scaling [--quick] [--out docs/benchmarks] [--resume] [--default-rates]
//   dotnet run -c Release --project bench/MlNetLion.Bench -- folds --folds DIR [--seed S] [Option=Value ...]   (DIR from bench/baselines/linear_cv.py --export-folds)
// --resume: reuse the runs a stopped study finished (artifacts/bench-cache/)
string? Option(string name) => CommandLine.Option(args, name);
int IntOption(string name, int fallback) => Option(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var quick = args.Contains("--quick");
var resume = args.Contains("--resume");
var outDir = Option("--out") ?? Path.Combine("docs", "benchmarks");
switch (args.FirstOrDefault())
{
    case "optimizers":
        return OptimizersCommand.Run(args);
    case "e2e":
        return EndToEnd.Run(Option("--model") ?? "cnn", Option("--optimizer") ?? "lion", IntOption("--steps", 40), IntOption("--batch", 128),
            IntOption("--threads", Environment.ProcessorCount), IntOption("--warmup", 3), Option("--export-text"));
    case "convergence":
        ConvergenceStudy.Run(quick, outDir, Option("--only"), IntOption("--seeds", 0), resume);
        return 0;
    case "scaling":
        ScalingStudy.Run(quick, outDir, resume, args.Contains("--default-rates"));
        return 0;
    case "folds":
        FoldsStudy.Run(Option("--folds") ?? throw new ArgumentException("folds needs --folds DIR (bench/baselines/linear_cv.py --export-folds DIR writes it)"),
            IntOption("--seed", 1), [.. args.Skip(1).Where(a => !a.StartsWith("--", StringComparison.Ordinal) && a.Contains('='))], Console.Out);
        return 0;
    default:
        Console.Error.WriteLine("usage: MlNetLion.Bench optimizers|e2e|convergence|scaling|folds [options] (see Program.cs and docs/benchmarks.md)");
        return 2;
}
