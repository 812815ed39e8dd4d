namespace MlNetLion.Samples;

/// <summary>Prediction engines for model files, each file loaded once and kept (what Model Builder's generated code does).</summary>
public static class ModelFileEngines<TIn, TOut> where TIn : class where TOut : class, new()
{
    private static readonly Dictionary<string, Lazy<PredictionEngine<TIn, TOut>>> Engines = [];

    /// <summary>The engine for <paramref name="modelPath"/>; engines are safe to share between threads.</summary>
    public static PredictionEngine<TIn, TOut> For(string modelPath)
    {
        Lazy<PredictionEngine<TIn, TOut>> engine;
        lock (Engines)
        {
            if (!Engines.TryGetValue(modelPath, out engine!))
                Engines[modelPath] = engine = new(() =>
                {
                    var ctx = new MLContext();
                    return ctx.Model.CreatePredictionEngine<TIn, TOut>(ctx.Model.Load(modelPath));
                });
        }
        return engine.Value;
    }
}
