using MlNetLion.Data;
using MlNetLion.Evaluation;

namespace MlNetLion;

/// <summary>
/// The entry point, as in ML.NET: carries the random seed and the log, and exposes the catalogs
/// (<see cref="Data"/>, <see cref="MulticlassClassification"/>).
/// </summary>
public sealed class MLContext
{
    /// <summary>Creates a context. With a seed, data splits, shuffling and weight initialisation are repeatable.</summary>
    public MLContext(int? seed = null)
    {
        Seed = seed;
        Data = new DataOperationsCatalog(this);
        MulticlassClassification = new MulticlassClassificationCatalog(this);
        Model = new ModelOperationsCatalog(this);
    }

    /// <summary>The seed given at construction, or null for a random one per use.</summary>
    public int? Seed { get; }

    /// <summary>Loading, splitting and enumerating data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Multiclass trainers and evaluation.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Saving, loading and prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }

    /// <summary>Messages from loading, training and evaluation (ML.NET's <c>MLContext.Log</c>).</summary>
    public event EventHandler<LoggingEventArgs>? Log;

    internal void Write(LogSeverity severity, string source, string message) =>
        Log?.Invoke(this, new LoggingEventArgs(severity, source, message));

    internal Random CreateRandom(int? seed = null) => (seed ?? Seed) is { } s ? new Random(s) : new Random();
}

/// <summary>How important a log message is.</summary>
public enum LogSeverity
{
    /// <summary>Detail for troubleshooting.</summary>
    Trace,
    /// <summary>Progress and facts.</summary>
    Info,
    /// <summary>Something was skipped or adjusted.</summary>
    Warning,
    /// <summary>Something failed.</summary>
    Error,
}

/// <summary>One log message.</summary>
public sealed class LoggingEventArgs(LogSeverity severity, string source, string message) : EventArgs
{
    /// <summary>Importance.</summary>
    public LogSeverity Kind { get; } = severity;
    /// <summary>The component that wrote it.</summary>
    public string Source { get; } = source;
    /// <summary>The text.</summary>
    public string Message { get; } = message;
    /// <inheritdoc />
    public override string ToString() => $"[{Source}] {Message}";
}
