using System.IO.Compression;
using System.Text.Json;
using MlNetLion.Data;
using MlNetLion.Optimizers;
using MlNetLion.Torch;
using MlNetLion.Trainers;

namespace MlNetLion;

/// <summary>
/// A trained classifier (ML.NET's <c>ITransformer</c> for our trainers): the network, its preprocessing
/// (tokenizer or image size and normalisation), the label map and the column names. Score data with
/// <see cref="Transform"/>, single rows with a <see cref="PredictionEngine{TIn, TOut}"/>, and keep it with
/// <see cref="Save"/> / <see cref="Load"/>.
/// </summary>
/// <remarks>All scoring goes through one lock, so a model (and its prediction engines) can be shared by
/// threads; calls from several threads run one at a time. For throughput, score many rows per call
/// (<see cref="Transform"/>, <see cref="PredictionEngine{TIn, TOut}.PredictBatch"/>).</remarks>
public sealed class ClassificationModel : IDisposable
{
    /// <summary>The model file format version this library writes and reads.</summary>
    public const int FormatVersion = 1;

    private const string ManifestEntry = "mlnet-lion-model.json";
    private const string EncoderEntry = "preprocessing.bin";
    private const string WeightsEntry = "weights.bin";
    private const string TorchScriptEntry = "module.torchscript";
    private const int ScoringBatchSize = 128;
    private readonly object _lock = new();

    internal ClassificationModel(Module module, ModelArchitecture architecture, InputEncoder encoder, LabelMap labels,
        ModelColumns columns, Device device, TrainingHistory? history)
    {
        Module = module;
        Architecture = architecture;
        Encoder = encoder;
        Labels = labels;
        Columns = columns;
        Device = device;
        TrainingHistory = history;
    }

    internal Module Module { get; }
    internal ModelArchitecture Architecture { get; }
    internal InputEncoder Encoder { get; }
    internal LabelMap Labels { get; }
    internal ModelColumns Columns { get; }

    /// <summary>The class names, in the order of <c>Score</c> entries.</summary>
    public IReadOnlyList<string> ClassNames => Labels.Names;

    /// <summary>The .NET type of the labels (predicted labels have this type).</summary>
    public Type LabelType => Labels.LabelType;

    /// <summary>The network: "TextTransformer", "BagOfNgrams", "ResidualCnn" or "TorchScript".</summary>
    public string ArchitectureName => Architecture.Name;

    /// <summary>The column the model reads (the text or image column it was trained on).</summary>
    public string InputColumnName => Encoder.ColumnName;

    /// <summary>The label column it was trained on.</summary>
    public string LabelColumnName => Columns.Label;

    /// <summary>The output column holding the predicted label.</summary>
    public string PredictionColumnName => Columns.Prediction;

    /// <summary>The output column holding the per-class probabilities.</summary>
    public string ScoreColumnName => Columns.Score;

    /// <summary>Number of trainable weights.</summary>
    public long ParameterCount => Module.ParameterCount;

    /// <summary>The device the network runs on.</summary>
    public Device Device { get; }

    /// <summary>How the model was trained (restored from the file when loaded).</summary>
    public TrainingHistory? TrainingHistory { get; }

    /// <summary>Scores every row of <paramref name="data"/>: the result has the input's columns plus the
    /// predicted label and the scores (ML.NET's <c>Transform</c>); pass it to <c>Evaluate</c>. A row whose input
    /// cannot be used (an unreadable image, a missing text) is left unscored, as <c>Fit</c> skips such rows: its
    /// scores are NaN, its predicted label null, <see cref="ClassificationPredictions.UnscoredRows"/> says why,
    /// and <c>Evaluate</c> leaves it out and counts it; with <paramref name="throwOnUnusableRows"/> it is an error instead.</summary>
    /// <exception cref="ArgumentException">The input column is missing or has another type, or (with <paramref name="throwOnUnusableRows"/>) a row's input cannot be used (the message names the row).</exception>
    public ClassificationPredictions Transform(IDataView data, bool throwOnUnusableRows = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        var column = data.GetColumn(InputColumnName, "input column", Encoder.AllowedTypes);
        var values = Enumerable.Range(0, data.Count).Select(i => column.GetValue(data.GetRow(i))).ToArray();
        var unscored = new SortedDictionary<int, string>();
        var features = Encoder.FeaturizeAll(values, training: false, (row, problem) =>
        {
            if (throwOnUnusableRows) throw Unscorable(row, problem);
            unscored[row] = problem;
        });
        var scored = ScoreFeatures([.. features.OfType<object>()]);
        var scores = new float[values.Length][];
        for (int i = 0, next = 0; i < scores.Length; i++)
            scores[i] = features[i] is null ? Enumerable.Repeat(float.NaN, Labels.Count).ToArray() : scored[next++];
        return new ClassificationPredictions(data, this, scores, unscored);
    }

    private static ArgumentException Unscorable(int row, string problem) => new($"Row {row} cannot be scored: {problem}.");

    /// <summary>Class probabilities for each input value.</summary>
    internal float[][] Score(IReadOnlyList<object?> values)
    {
        var features = Encoder.FeaturizeAll(values, training: false, (row, problem) => throw Unscorable(row, problem));
        return ScoreFeatures(features!);
    }

    internal float[][] ScoreFeatures(IReadOnlyList<object> features)
    {
        var result = new float[features.Count][];
        lock (_lock)
        {
            var wasTraining = Module.IsTraining;
            Module.Eval();
            try
            {
                using var _ = MlNetLion.Torch.Torch.NoGrad();
                for (var start = 0; start < features.Count; start += ScoringBatchSize)
                {
                    var batch = features.Skip(start).Take(ScoringBatchSize).ToArray();
                    using var input = Encoder.Collate(batch, Device);
                    using var logits = Module.Forward(input);
                    using var probs = logits.Softmax(1);
                    using var cpu = probs.To(Device.Cpu, ScalarType.Float32);
                    var flat = cpu.ToArray<float>();
                    var classes = Labels.Count;
                    if (flat.Length != batch.Length * classes)
                        throw new InvalidOperationException($"The network returned {flat.Length / Math.Max(1, batch.Length)} outputs per row; the model has {classes} classes.");
                    for (var r = 0; r < batch.Length; r++) result[start + r] = flat.AsSpan(r * classes, classes).ToArray();
                }
            }
            finally
            {
                Module.Train(wasTraining);
            }
        }
        return result;
    }

    /// <summary>The most probable class's label value.</summary>
    internal object PredictedLabel(float[] scores)
    {
        var best = 0;
        for (var c = 1; c < scores.Length; c++) if (scores[c] > scores[best]) best = c;
        return Labels.ValueAt(best);
    }

    /// <summary>Writes the model to one file (weights, preprocessing, label map, settings, format version), atomically.</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.Write(path, tmp =>
        {
            using var file = File.Create(tmp);
            using var zip = new ZipArchive(file, ZipArchiveMode.Create);
            using (var s = zip.CreateEntry(ManifestEntry).Open())
                JsonSerializer.Serialize(s, new Manifest
                {
                    Format = "mlnet-lion classification model",
                    Version = FormatVersion,
                    Architecture = Architecture.Name,
                    ArchitectureOptions = Architecture.OptionsJson,
                    Columns = Columns,
                    ClassNames = ClassNames.ToArray(),
                    TrainingHistory = TrainingHistory,
                }, ManifestJson);
            using (var s = zip.CreateEntry(EncoderEntry).Open())
            using (var w = new BinaryWriter(s))
            {
                Encoder.Save(w);
                Labels.Save(w);
            }
            if (Module.IsTorchScript)
            {
                var ts = Path.GetTempFileName();
                try
                {
                    Module.SaveTorchScript(ts);
                    using var s = zip.CreateEntry(TorchScriptEntry, CompressionLevel.Fastest).Open();
                    using var f = File.OpenRead(ts);
                    f.CopyTo(s);
                }
                finally { File.Delete(ts); }
            }
            else
            {
                using var s = zip.CreateEntry(WeightsEntry, CompressionLevel.Fastest).Open();
                TensorArchive.Write(s, TensorArchive.Snapshot(Module));
            }
        });
    }

    /// <summary>Loads a model written by <see cref="Save"/> onto <paramref name="device"/> (default: CPU).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not an mlnet-lion model, is damaged, or has a newer format version.</exception>
    public static ClassificationModel Load(string path, Device? device = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Model file '{path}' does not exist.", path);
        var d = device ?? Device.Cpu;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifestEntry = zip.GetEntry(ManifestEntry) ?? throw new InvalidDataException($"'{path}' is not an mlnet-lion model file (it has no {ManifestEntry}).");
            Manifest manifest;
            using (var s = manifestEntry.Open())
                manifest = JsonSerializer.Deserialize<Manifest>(s, ManifestJson) ?? throw new InvalidDataException("empty manifest");
            if (manifest.Format != "mlnet-lion classification model")
                throw new InvalidDataException($"'{path}' is not an mlnet-lion model file (format '{manifest.Format}').");
            if (manifest.Version > FormatVersion || manifest.Version < 1)
                throw new InvalidDataException($"'{path}' has model format version {manifest.Version}; this version of mlnet-lion reads version {FormatVersion}.");
            InputEncoder encoder;
            LabelMap labels;
            using (var s = Entry(zip, EncoderEntry, path).Open())
            using (var r = new BinaryReader(s))
            {
                encoder = InputEncoder.Load(r);
                labels = LabelMap.Load(r);
            }
            var architecture = new ModelArchitecture(manifest.Architecture, manifest.ArchitectureOptions);
            Module module;
            if (architecture.Name == ModelArchitecture.TorchScript)
            {
                var ts = Path.GetTempFileName();
                try
                {
                    using (var s = Entry(zip, TorchScriptEntry, path).Open())
                    using (var f = File.Create(ts))
                        s.CopyTo(f);
                    module = Module.LoadTorchScript(ts, d);
                }
                finally { File.Delete(ts); }
            }
            else
            {
                module = architecture.Build();
                try
                {
                    Dictionary<string, StateTensor> weights;
                    using (var s = Entry(zip, WeightsEntry, path).Open())
                        weights = TensorArchive.Read(s, $"'{path}'");
                    module.To(d);
                    TensorArchive.Load(module, weights, $"'{path}'");
                }
                catch
                {
                    module.Dispose();
                    throw;
                }
            }
            module.Eval();
            return new ClassificationModel(module, architecture, encoder, labels, manifest.Columns ?? new ModelColumns(), d, manifest.TrainingHistory);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or JsonException or IOException && e is not FileNotFoundException)
        {
            throw new InvalidDataException(e.Message.Contains(path, StringComparison.Ordinal)
                ? e.Message
                : $"'{path}' is not a readable mlnet-lion model file: {e.Message}", e);
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' is damaged: it has no {name}.");

    /// <summary>Frees the network.</summary>
    public void Dispose() => Module.Dispose();

    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true };

    private sealed class Manifest
    {
        public string Format { get; set; } = "";
        public int Version { get; set; }
        public string Architecture { get; set; } = "";
        public string ArchitectureOptions { get; set; } = "";
        public ModelColumns? Columns { get; set; }
        public string[] ClassNames { get; set; } = [];
        public TrainingHistory? TrainingHistory { get; set; }
    }
}

/// <summary>Column names a model reads and writes.</summary>
internal sealed record ModelColumns(string Label = "Label", string Prediction = "PredictedLabel", string Score = "Score");
