using System.Globalization;

namespace MlNetLion.Optimizers;

/// <summary>
/// The hyperparameters of one optimizer (or of one of its <see cref="ParamGroup"/>s), by name, with
/// PyTorch's names: <c>lr</c>, <c>beta1</c>, <c>beta2</c>, <c>eps</c>, <c>weight_decay</c>, <c>momentum</c>, ...
/// Each options class declares its names and defaults; typed properties (<see cref="LearningRate"/>,
/// <c>LionOptions.Beta1</c>, ...) read and write the same values. An options object used as a group's
/// overrides only carries the values that were set on it: every other value is inherited from the
/// optimizer's defaults, as in PyTorch's <c>param_groups</c>.
/// </summary>
/// <remarks>Flags (e.g. <c>amsgrad</c>, <c>nesterov</c>) are stored as 0 or 1.</remarks>
public abstract class OptimizerOptions
{
    private readonly (string Name, double Default)[] _declared;
    private Dictionary<string, double> _set = new(StringComparer.Ordinal);

    /// <summary>Declares the hyperparameter names of a derived class and their defaults.</summary>
    /// <param name="declared">Every name with its default; <c>lr</c> must be among them.</param>
    protected OptimizerOptions(params (string Name, double Default)[] declared)
    {
        ArgumentNullException.ThrowIfNull(declared);
        if (!declared.Any(d => d.Name == "lr"))
            throw new ArgumentException("Every optimizer has a learning rate: declare \"lr\" with its default.", nameof(declared));
        _declared = declared;
    }

    /// <summary>The learning rate η (name <c>lr</c>); must be finite and ≥ 0.</summary>
    public double LearningRate
    {
        get => this["lr"];
        set => this["lr"] = value;
    }

    /// <summary>The declared hyperparameter names, in declaration order.</summary>
    public IEnumerable<string> Names => _declared.Select(d => d.Name);

    /// <summary>The names whose value was set explicitly (the rest are defaults).</summary>
    public IEnumerable<string> ExplicitNames => _declared.Select(d => d.Name).Where(_set.ContainsKey);

    /// <summary>True when <paramref name="name"/> is a hyperparameter of this optimizer.</summary>
    public bool Contains(string name) => Array.Exists(_declared, d => d.Name == name);

    /// <summary>A hyperparameter by name; setting it checks the value (see <see cref="Validate(string, double)"/>).</summary>
    /// <exception cref="KeyNotFoundException">The optimizer has no hyperparameter of that name.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the hyperparameter's valid range.</exception>
    public double this[string name]
    {
        get
        {
            if (_set.TryGetValue(name, out var v)) return v;
            foreach (var d in _declared)
                if (d.Name == name) return d.Default;
            throw Unknown(name);
        }
        set
        {
            if (!Contains(name)) throw Unknown(name);
            Validate(name, value);
            _set[name] = value;
        }
    }

    /// <summary>
    /// Checks one value. The base checks <c>lr</c> (finite, ≥ 0); derived classes check their own
    /// names and call the base. Throw an <see cref="ArgumentOutOfRangeException"/> naming the value.
    /// </summary>
    protected virtual void Validate(string name, double value)
    {
        if (name == "lr" && !(value >= 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, value, $"learning rate must be finite and >= 0, got {Format(value)}");
    }

    /// <summary>Checks rules that involve several values (e.g. Nesterov needs momentum); called before every step.</summary>
    public virtual void ValidateCombination() { }

    /// <summary>A copy with the same explicit values.</summary>
    public OptimizerOptions Clone()
    {
        var copy = (OptimizerOptions)MemberwiseClone();
        copy._set = new Dictionary<string, double>(_set, StringComparer.Ordinal);
        return copy;
    }

    /// <summary>These options (the defaults) with the explicit values of <paramref name="overrides"/> applied.</summary>
    internal OptimizerOptions Resolve(OptimizerOptions? overrides, int groupIndex)
    {
        var resolved = Clone();
        foreach (var name in resolved.Names) resolved._set[name] = resolved[name];
        if (overrides is null) return resolved;
        foreach (var name in overrides.ExplicitNames)
        {
            if (!resolved.Contains(name))
                throw new ArgumentException(
                    $"Parameter group {groupIndex} sets '{name}', which is not a hyperparameter of this optimizer " +
                    $"(it has: {string.Join(", ", resolved.Names)}).", nameof(overrides));
            resolved[name] = overrides[name];
        }
        resolved.ValidateCombination();
        return resolved;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{GetType().Name}({string.Join(", ", Names.Select(n => $"{n}={Format(this[n])}"))})";

    /// <summary>Formats a value for messages (round-trip, invariant culture).</summary>
    protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Throws unless <paramref name="value"/> is in [0, 1) (a decay rate such as β).</summary>
    protected static void CheckUnitInterval(string name, double value)
    {
        if (!(value >= 0 && value < 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1), got {Format(value)}");
    }

    /// <summary>Throws unless <paramref name="value"/> is finite and ≥ 0.</summary>
    protected static void CheckNonNegative(string name, double value)
    {
        if (!(value >= 0 && double.IsFinite(value)))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and >= 0, got {Format(value)}");
    }

    /// <summary>Throws unless <paramref name="value"/> is 0 or 1 (a flag).</summary>
    protected static void CheckFlag(string name, double value)
    {
        if (value is not (0 or 1))
            throw new ArgumentOutOfRangeException(name, value, $"{name} is a flag and must be 0 or 1, got {Format(value)}");
    }

    private KeyNotFoundException Unknown(string name) =>
        new($"'{name}' is not a hyperparameter of {GetType().Name} (it has: {string.Join(", ", Names)}).");
}
