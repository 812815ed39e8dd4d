using System.CommandLine;
using System.Globalization;
using MlNetLion.Cli.Data;
using MlNetLion.Cli.Training;

namespace MlNetLion.Cli.Commands;

/// <summary>The flags every training command shares (epochs, batch size, device, seed, output, ...).</summary>
internal sealed class TrainingOptions
{
    private readonly Option<int> _epochs = new("--epochs") { Description = "Passes over the training data", DefaultValueFactory = _ => 5 };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = "Rows per optimizer step (default: 32 for text, 64 for images)" };
    private readonly Option<string> _device = new("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA when libtorch has it)", DefaultValueFactory = _ => "auto" };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed for the split, sampling, initialisation and shuffling", DefaultValueFactory = _ => 1 };
    private readonly Option<string> _lookahead = new("--lookahead") { Description = "Lookahead's k,alpha (e.g. 5,0.5); for train commands, giving it wraps the optimizer in Lookahead" };
    private readonly Option<string?> _architecture = new("--architecture") { Description = "Text model: transformer (default) or bag-of-ngrams" };
    private readonly Option<int?> _width = new("--width") { Description = "Model width: text embedding size (default 128), or image CNN channels (default 16)" };

    public TrainingOptions(string outputDescription)
    {
        Output = new Option<string>("--output", "-o") { Description = outputDescription, Required = true };
    }

    public Option<string> Output { get; }
    public Option<bool> Json { get; } = new("--json") { Description = "Print machine-readable JSON only (no tables or progress)" };

    public IEnumerable<Option> All => [_epochs, _batchSize, _device, _seed, _lookahead, _architecture, _width, Output, Json];

    public bool HasLookahead(ParseResult p) => p.GetResult(_lookahead) is not null;

    public TrainSettings Read(ParseResult p, TaskKind kind, double? learningRate = null, double? weightDecay = null)
    {
        var epochs = p.GetValue(_epochs);
        if (epochs < 1) throw new UserErrorException($"--epochs must be at least 1; got {epochs}.");
        if (p.GetValue(_batchSize) is < 1) throw new UserErrorException($"--batch-size must be at least 1; got {p.GetValue(_batchSize)}.");
        if (p.GetValue(_width) is < 1) throw new UserErrorException($"--width must be at least 1; got {p.GetValue(_width)}.");
        var (k, alpha) = ParseLookahead(p.GetValue(_lookahead));
        return new TrainSettings(kind, epochs, p.GetValue(_batchSize), p.GetValue(_device)!, p.GetValue(_seed), p.GetValue(_architecture),
            p.GetValue(_width), learningRate, weightDecay, k, alpha);
    }

    private static (int K, double Alpha) ParseLookahead(string? text)
    {
        if (text is null) return (5, 0.5);
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var k) && k >= 1
            && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var alpha) && alpha is >= 0 and <= 1)
            return (k, alpha);
        throw new UserErrorException($"--lookahead must be k,alpha with k >= 1 and alpha in [0, 1] (e.g. 5,0.5); got '{text}'.");
    }
}
