using MlNetLion.Optimizers;
using MlNetLion.Torch;

namespace MlNetLion.Trainers;

/// <summary>
/// Fluent optimizer choice on a trainer, as in
/// <c>.TextClassification(options).WithLionOptimizer(3e-4, weightDecay: 0.1).WithLookahead(5, 0.5)</c>.
/// Each returns the same trainer. Learning rates and weight decays left out take the trainer's defaults;
/// biases and normalisation weights never get weight decay.
/// </summary>
public static class TrainerExtensions
{
    /// <summary>Lion (Chen et al. 2023; the default optimizer). Use a learning rate 3–10× smaller and a weight decay 3–10× larger than for AdamW.</summary>
    public static T WithLionOptimizer<T>(this T trainer, double? learningRate = null, double beta1 = 0.9, double beta2 = 0.99, double? weightDecay = null)
        where T : ClassificationTrainer => Set(trainer, d => OptimizerSettings.Lion(
            learningRate ?? d.LionLearningRate, beta1, beta2, weightDecay ?? d.LionWeightDecay));

    /// <summary>AdamW with PyTorch's semantics (decoupled weight decay; optional AMSGrad).</summary>
    public static T WithAdamW<T>(this T trainer, double? learningRate = null, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8,
        double? weightDecay = null, bool amsGrad = false)
        where T : ClassificationTrainer => Set(trainer, d => OptimizerSettings.AdamW(
            learningRate ?? d.AdamWLearningRate, beta1, beta2, epsilon, weightDecay ?? d.AdamWWeightDecay, amsGrad));

    /// <summary>SGD with momentum (Nesterov optional) and L2 weight decay, with PyTorch's semantics.</summary>
    public static T WithSgd<T>(this T trainer, double? learningRate = null, double momentum = 0.9, bool nesterov = false, double weightDecay = 0)
        where T : ClassificationTrainer => Set(trainer, d => OptimizerSettings.Sgd(learningRate ?? d.SgdLearningRate, momentum, nesterov, weightDecay));

    /// <summary>Any optimizer, e.g. one of your own derived from <see cref="Optimizer"/>: <paramref name="create"/> gets the
    /// parameters that should get weight decay and those that should not (biases, normalisation weights).</summary>
    public static T WithOptimizer<T>(this T trainer, Func<IReadOnlyList<NamedTensor>, IReadOnlyList<NamedTensor>, Optimizer> create, string description)
        where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        return Set(trainer, _ => new OptimizerSettings
        {
            Description = description,
            Create = sets => create([.. sets.Where(s => s.Decay).SelectMany(s => s.Parameters)], [.. sets.Where(s => !s.Decay).SelectMany(s => s.Parameters)]),
        });
    }

    /// <summary>Wraps the chosen optimizer (chosen before or after this call) in Lookahead (Zhang et al. 2019): every
    /// <paramref name="k"/> steps the slow weights move <paramref name="alpha"/> of the way to the fast ones. Validation,
    /// early stopping and the trained model use the slow weights.</summary>
    public static T WithLookahead<T>(this T trainer, int k = 5, double alpha = 0.5) where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be at least 1.");
        if (alpha is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be in [0, 1].");
        trainer.Lookahead = (k, alpha);
        return trainer;
    }

    /// <summary>The learning-rate schedule over the run (default: <see cref="TrainingSchedule.CosineDecay"/> with 5% warmup).</summary>
    public static T WithLearningRateSchedule<T>(this T trainer, TrainingSchedule schedule) where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.Schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        return trainer;
    }

    /// <summary>Scales gradients so their global L2 norm is at most <paramref name="maxNorm"/> before each step.</summary>
    public static T WithGradientClipping<T>(this T trainer, double maxNorm = 1.0) where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (!(maxNorm > 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, "maxNorm must be positive.");
        trainer.ClipNorm = maxNorm;
        return trainer;
    }

    /// <summary>Fine-tunes: training starts from <paramref name="model"/>'s weights, vocabulary or image settings and
    /// classes (the training labels must be among them) instead of a new network.</summary>
    public static T WithInitialModel<T>(this T trainer, ClassificationModel model) where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(trainer);
        ArgumentNullException.ThrowIfNull(model);
        var expected = trainer is TextClassificationTrainer ? "text" : "image";
        if (model.Encoder.Kind != expected)
            throw new ArgumentException($"The initial model is a {model.Encoder.Kind} model; this trainer trains {expected} models.", nameof(model));
        trainer.InitialModel = model;
        return trainer;
    }

    private static T Set<T>(T trainer, Func<TrainerDefaults, OptimizerSettings> choice) where T : ClassificationTrainer
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.OptimizerChoice = choice;
        return trainer;
    }
}
