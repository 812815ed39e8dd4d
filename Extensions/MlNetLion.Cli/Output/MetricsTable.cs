using Spectre.Console;

namespace MlNetLion.Cli.Output;

/// <summary>The rows of ML.NET's metrics in the CLI's tables.</summary>
internal static class MetricsTable
{
    public static Table AddMetrics(this Table table, MetricsReport m) => table
        .AddRow("MicroAccuracy", $"{m.MicroAccuracy:P2}")
        .AddRow("MacroAccuracy", $"{m.MacroAccuracy:P2}")
        .AddRow("LogLoss", $"{m.LogLoss:F4}")
        .AddRow("LogLossReduction", $"{m.LogLossReduction:F4}")
        .AddRow($"TopKAccuracy (K={m.TopKPredictionCount})", $"{m.TopKAccuracy:P2}");
}
