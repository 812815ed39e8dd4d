using System.IO.Compression;
using System.Text.Json;
using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>Where a run is and what it has learned so far: saved with the weights and optimizer state in a checkpoint.</summary>
internal sealed class TrainingState
{
    public string Fingerprint { get; set; } = "";
    public int Epoch { get; set; }
    public int EpochStep { get; set; }
    public long GlobalStep { get; set; }
    public double EpochLossSum { get; set; }
    public List<float> StepLosses { get; set; } = [];
    public List<EpochResult> Epochs { get; set; } = [];
    public double? BestValue { get; set; }
    public int BestEpoch { get; set; }
    public int EpochsWithoutImprovement { get; set; }
    public bool StoppedEarly { get; set; }
    public double Seconds { get; set; }
}

/// <summary>
/// One checkpoint file (a zip: state.json, model.bin, optimizer.bin, best.bin), written atomically, so an
/// interrupted write leaves the previous checkpoint intact.
/// </summary>
internal static class Checkpoint
{
    public const string FileName = "checkpoint.mlnl";

    public static void Save(string path, TrainingState state, Module module, Optimizer optimizer, IReadOnlyDictionary<string, StateTensor>? best)
    {
        var weights = TensorArchive.Snapshot(module);
        var optimizerState = optimizer.StateDict();
        AtomicFile.Write(path, tmp =>
        {
            using var file = File.Create(tmp);
            using var zip = new ZipArchive(file, ZipArchiveMode.Create);
            using (var s = zip.CreateEntry("state.json").Open()) JsonSerializer.Serialize(s, state);
            using (var s = zip.CreateEntry("model.bin", CompressionLevel.NoCompression).Open()) TensorArchive.Write(s, weights);
            using (var s = zip.CreateEntry("optimizer.bin", CompressionLevel.NoCompression).Open()) optimizerState.Save(s);
            if (best is not null)
                using (var s = zip.CreateEntry("best.bin", CompressionLevel.NoCompression).Open()) TensorArchive.Write(s, best);
        });
    }

    /// <summary>Reads a checkpoint; null when there is none.</summary>
    public static (TrainingState State, Dictionary<string, StateTensor> Weights, OptimizerStateDict Optimizer, Dictionary<string, StateTensor>? Best)? Load(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            TrainingState state;
            using (var s = Entry(zip, "state.json", path).Open())
                state = JsonSerializer.Deserialize<TrainingState>(s) ?? throw new InvalidDataException("empty state");
            Dictionary<string, StateTensor> weights;
            using (var s = Entry(zip, "model.bin", path).Open()) weights = TensorArchive.Read(s, $"checkpoint '{path}'");
            OptimizerStateDict optimizer;
            using (var s = Entry(zip, "optimizer.bin", path).Open())
            using (var buffer = new MemoryStream())
            {
                s.CopyTo(buffer);
                buffer.Position = 0;
                optimizer = OptimizerStateDict.Load(buffer);
            }
            Dictionary<string, StateTensor>? best = null;
            if (zip.GetEntry("best.bin") is { } b)
                using (var s = b.Open()) best = TensorArchive.Read(s, $"checkpoint '{path}'");
            return (state, weights, optimizer, best);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or JsonException)
        {
            throw new InvalidDataException($"The checkpoint '{path}' cannot be read ({e.Message}); delete it to start over.", e);
        }
    }

    private static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' has no {name}");
}
