using System.Globalization;
using System.Text;
using System.Text.Json;
using MlNetLion.Cli.Output;

namespace MlNetLion.Bench;

/// <summary>Writes a study's raw CSV, summary JSON (with the machine, load, date and command) and SVG files into one folder.</summary>
internal sealed class StudyOutput(string folder, string study, bool quick, string? tag = null)
{
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly double _loadAtStart = Stats.LoadAverage();

    public string Mode => quick ? "quick" : "full";
    public string Prefix => $"{study}{(quick ? "-quick" : "")}{(tag is null ? "" : "-" + tag)}";

    public void Csv(string name, string header, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{Prefix}-{name}.csv"), header + "\n" + string.Concat(lines.Select(l => l + "\n")));
    }

    public void Svg(string name, SvgPlot plot)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, $"{Prefix}-{name}.svg"), plot.Render());
    }

    /// <summary>The summary with the machine, load, date and command; with the study's runs, their total training time
    /// and how many came from the cache of an earlier, stopped invocation (<c>--resume</c>: then the dates and minutes
    /// are this invocation's, not the runs').</summary>
    public void Json(object summary, IEnumerable<RunResult> runs, RunCache? cache)
    {
        var all = runs.ToList();
        Directory.CreateDirectory(folder);
        var doc = new Dictionary<string, object?>
        {
            ["study"] = study, ["mode"] = Mode,
            ["command"] = $"dotnet run -c Release --project bench/MlNetLion.Bench -- {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}",
            ["started_utc"] = _started.ToString("u", CultureInfo.InvariantCulture), ["finished_utc"] = DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture),
            ["minutes"] = Math.Round((DateTime.UtcNow - _started).TotalMinutes, 1),
            ["machine"] = Machine(), ["loadavg_1min_start"] = _loadAtStart, ["loadavg_1min_end"] = Stats.LoadAverage(),
            ["threads"] = MlNetLion.Torch.Torch.NumThreads, ["omp_wait_policy"] = Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "PASSIVE (binding default)",
            ["malloc_tuning"] = MlNetLion.Torch.Torch.MallocTuningApplied,
            ["runs"] = all.Count, ["training_minutes_all_runs"] = Math.Round(all.Sum(r => r.Seconds) / 60, 1),
            ["runs_reused_from_cache"] = cache?.Reused ?? 0,
            ["summary"] = summary,
        };
        File.WriteAllText(Path.Combine(folder, $"{Prefix}.json"), JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }

    public static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Environment.ProcessorCount} cores, {cpu}, {Environment.OSVersion}";
    }

    public static string F(double v, string format = "G6") => v.ToString(format, CultureInfo.InvariantCulture);

    public static string Row(params object?[] cells) =>
        string.Join(",", cells.Select(c => c switch
        {
            null => "",
            double d => F(d),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => c.ToString()!.Contains(',') ? $"\"{c}\"" : c.ToString(),
        }));

    public static string Markdown(string[] header, IEnumerable<string[]> rows)
    {
        var sb = new StringBuilder();
        sb.Append("| ").Append(string.Join(" | ", header)).Append(" |\n|").Append(string.Concat(header.Select(_ => "---|"))).Append('\n');
        foreach (var r in rows) sb.Append("| ").Append(string.Join(" | ", r)).Append(" |\n");
        return sb.ToString();
    }
}
