using System.Text.Json;
using System.Text.Json.Serialization;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>
/// Every finished run of a study, one JSON line each (<c>artifacts/bench-cache/&lt;study&gt;.jsonl</c>), so that a study
/// stopped part-way picks up where it stopped when started again with <c>--resume</c> (without it the file starts
/// afresh). A run is keyed by everything that decides its outcome: data set and size, optimizer and its settings,
/// seed, batch and width. A run that diverged is recorded as such and throws again on a hit.
/// </summary>
internal sealed class RunCache
{
    private static readonly JsonSerializerOptions Options = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };
    private readonly string _path;
    private readonly Dictionary<string, Entry> _done = [];

    private sealed record Entry(string Key, RunResult? Run, string? Diverged);

    public RunCache(string study, bool resume)
    {
        _path = Path.Combine("artifacts", "bench-cache", $"{study}.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        if (!resume || !File.Exists(_path))
        {
            File.WriteAllText(_path, "");
            return;
        }
        foreach (var line in File.ReadLines(_path).Where(l => l.Length > 0))
        {
            // a line cut short by a kill is the last one; its run is simply trained again
            try { if (JsonSerializer.Deserialize<Entry>(line, Options) is { } e) _done[e.Key] = e; }
            catch (JsonException) { }
        }
        Console.Error.WriteLine($"resuming: {_done.Count} finished runs in {_path}");
    }

    /// <summary>Runs answered from the file rather than trained in this invocation.</summary>
    public int Reused { get; private set; }

    public RunResult GetOrTrain(string key, Func<RunResult> train)
    {
        if (_done.TryGetValue(key, out var hit))
        {
            Reused++;
            return hit.Run ?? throw new TrainingException(hit.Diverged!);
        }
        Entry entry;
        try { entry = new(key, train(), null); }
        catch (TrainingException e)
        {
            Append(new(key, null, e.Message));
            throw;
        }
        Append(entry);
        return entry.Run!;
    }

    private void Append(Entry e)
    {
        _done[e.Key] = e;
        File.AppendAllText(_path, JsonSerializer.Serialize(e, Options) + "\n");
    }
}
