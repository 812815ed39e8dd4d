using MlNetLion.Torch;

namespace MlNetLion.Optimizers;

/// <summary>
/// A set of parameters that share hyperparameters, like PyTorch's <c>param_groups</c> entries. Values
/// not set on the group's <c>options</c> are inherited from the optimizer's defaults when the group is
/// handed to an optimizer; afterwards <see cref="Options"/> holds every value, and schedules change it
/// (e.g. <see cref="LearningRate"/>) between steps.
/// </summary>
/// <example><code>
/// var opt = new LionOptimizer([
///     new ParamGroup(weights),                                  // lr 3e-4, wd 0.1 (the defaults below)
///     new ParamGroup(biasesAndNorms, new LionOptions { WeightDecay = 0 }),
/// ], new LionOptions { LearningRate = 3e-4, WeightDecay = 0.1 });
/// </code></example>
/// <remarks>The optimizer does not own the parameter tensors: their owner (e.g. a <see cref="Module"/>) disposes them.</remarks>
public sealed class ParamGroup
{
    private OptimizerOptions? _options;

    /// <summary>A group of <paramref name="parameters"/> with optional per-group <paramref name="options"/>.</summary>
    public ParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null)
        : this(parameters?.Select(p => new NamedTensor("", p)) ?? throw new ArgumentNullException(nameof(parameters)), options)
    {
    }

    /// <summary>A group of named parameters (names appear in error messages, e.g. "0.weight").</summary>
    public ParamGroup(IEnumerable<NamedTensor> parameters, OptimizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToArray();
        for (var i = 0; i < list.Length; i++)
            if (list[i]?.Tensor is null) throw new ArgumentException($"Parameter {i} of the group is null.", nameof(parameters));
        Parameters = list.Select(p => p.Tensor).ToArray();
        Names = list.Select(p => p.Name).ToArray();
        Overrides = options?.Clone();
    }

    /// <summary>The parameters, in order.</summary>
    public IReadOnlyList<Tensor> Parameters { get; }

    /// <summary>The parameters' names ("" where none was given).</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The values this group set itself (null: all inherited).</summary>
    public OptimizerOptions? Overrides { get; }

    /// <summary>Every hyperparameter of this group (resolved against the optimizer's defaults).</summary>
    /// <exception cref="InvalidOperationException">The group has not been given to an optimizer yet.</exception>
    public OptimizerOptions Options =>
        _options ?? throw new InvalidOperationException("The group's options are resolved when it is given to an optimizer.");

    /// <summary>The learning rate of this group (shortcut for <c>Options.LearningRate</c>).</summary>
    public double LearningRate
    {
        get => Options.LearningRate;
        set => Options.LearningRate = value;
    }

    internal bool IsAttached => _options is not null;

    internal void Attach(OptimizerOptions resolved) => _options = resolved;
}
