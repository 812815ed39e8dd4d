using System.Globalization;
using MlNetLion.Trainers;

namespace MlNetLion.Bench;

/// <summary>An optimizer for a trainer run: Lion, AdamW or SGD-momentum (0.9), optionally inside Lookahead(k = 5, alpha = 0.5);
/// a null learning rate or weight decay takes the trainer's default.</summary>
internal sealed record OptimizerChoice(string Inner, bool Lookahead = false, double? LearningRate = null, double? WeightDecay = null)
{
    public string Name => Lookahead ? $"Lookahead({Inner})" : Inner;

    public T ApplyTo<T>(T trainer) where T : ClassificationTrainer
    {
        trainer = Inner switch
        {
            "Lion" => trainer.WithLionOptimizer(LearningRate, weightDecay: WeightDecay),
            "AdamW" => trainer.WithAdamW(LearningRate, weightDecay: WeightDecay),
            "SGD" => trainer.WithSgd(LearningRate, momentum: 0.9, weightDecay: WeightDecay ?? 0),
            _ => throw new ArgumentException($"unknown optimizer '{Inner}' (Lion, AdamW, SGD)"),
        };
        return Lookahead ? trainer.WithLookahead(5, 0.5) : trainer;
    }

    public static OptimizerChoice Parse(string name) => name.ToLowerInvariant() switch
    {
        "lion" => new("Lion"),
        "adamw" => new("AdamW"),
        "sgd" => new("SGD"),
        _ => throw new ArgumentException($"unknown optimizer '{name}' (lion, adamw, sgd)"),
    };

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Name}(lr={LearningRate?.ToString("G3", CultureInfo.InvariantCulture) ?? "default"}, wd={WeightDecay?.ToString(CultureInfo.InvariantCulture) ?? "default"})");
}
