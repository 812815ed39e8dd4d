using MlNetLion.Torch;

namespace MlNetLion;

/// <summary>Saving, loading and using trained models (ML.NET's <c>MLContext.Model</c>).</summary>
public sealed class ModelOperationsCatalog
{
    private readonly MLContext _context;

    internal ModelOperationsCatalog(MLContext context) => _context = context;

    /// <summary>Writes <paramref name="model"/> to one file atomically (an existing file is replaced only once the new one is complete).</summary>
    public void Save(ClassificationModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Save(path);
        _context.Write(LogSeverity.Info, "Model", $"saved {model.ArchitectureName} model to {path}");
    }

    /// <summary>Loads a model file onto <paramref name="device"/> (default CPU).</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not an mlnet-lion model, damaged, or a newer format.</exception>
    public ClassificationModel Load(string path, Device? device = null) => ClassificationModel.Load(path, device);

    /// <summary>A prediction engine mapping <typeparamref name="TIn"/> rows to <typeparamref name="TOut"/> predictions.</summary>
    public PredictionEngine<TIn, TOut> CreatePredictionEngine<TIn, TOut>(ClassificationModel model) where TIn : class where TOut : class, new() => new(model);
}
