using MlNetLion.Cli.Data;
using MlNetLion.Trainers;
using MlNetLion.Torch;

namespace MlNetLion.Cli.Training;

/// <summary>Everything a training command was asked for, except the data and the optimizer.</summary>
internal sealed record TrainSettings(TaskKind Kind, int Epochs, int? BatchSize, string Device, int Seed, string? Architecture, int? Width,
    double? LearningRate, double? WeightDecay, int LookaheadK, double LookaheadAlpha)
{
    /// <summary>The trainer for <paramref name="optimizer"/>, checkpointing into <paramref name="checkpointDirectory"/>.</summary>
    public ClassificationTrainer CreateTrainer(MLContext ctx, OptimizerSpec optimizer, string checkpointDirectory)
    {
        if (Kind == TaskKind.Image && Architecture is not null)
            throw new UserErrorException("--architecture chooses a text model; image-classification always trains the residual CNN.");
        var device = ParseDevice();
        ClassificationTrainer trainer = Kind == TaskKind.Text
            ? ctx.MulticlassClassification.Trainers.TextClassification(Common(new TextClassificationOptions
            {
                Sentence1ColumnName = Columns.Text,
                Architecture = ParseArchitecture(),
                EmbeddingDim = Width ?? new TextClassificationOptions().EmbeddingDim,
            }, device, checkpointDirectory))
            : ctx.MulticlassClassification.Trainers.ImageClassification(Common(new ImageClassificationOptions
            {
                ImageColumnName = Columns.Image,
                ModelWidth = Width ?? new ImageClassificationOptions().ModelWidth,
            }, device, checkpointDirectory));
        trainer = optimizer.Name switch
        {
            "lion" => trainer.WithLionOptimizer(LearningRate, weightDecay: WeightDecay),
            "adamw" => trainer.WithAdamW(LearningRate, weightDecay: WeightDecay),
            _ => trainer.WithSgd(LearningRate, weightDecay: WeightDecay ?? 0),
        };
        return optimizer.Lookahead ? trainer.WithLookahead(LookaheadK, LookaheadAlpha) : trainer;
    }

    private T Common<T>(T options, Device device, string checkpointDirectory) where T : ClassificationTrainerOptions
    {
        options.LabelColumnName = Columns.Label;
        options.MaxEpoch = Epochs;
        if (BatchSize is { } batch) options.BatchSize = batch;
        options.Device = device;
        options.Seed = Seed;
        options.CheckpointDirectory = checkpointDirectory;
        return options;
    }

    private Device ParseDevice()
    {
        try
        {
            return Torch.Device.Parse(Device);
        }
        catch (Exception e) when (e is FormatException or NotSupportedException)
        {
            throw new UserErrorException($"--device: {e.Message}");
        }
    }

    private TextModelArchitecture ParseArchitecture() => Architecture?.Replace("-", "").ToLowerInvariant() switch
    {
        null or "transformer" => TextModelArchitecture.Transformer,
        "bagofngrams" => TextModelArchitecture.BagOfNgrams,
        _ => throw new UserErrorException($"--architecture: '{Architecture}' is not a text model; expected transformer or bag-of-ngrams."),
    };
}
