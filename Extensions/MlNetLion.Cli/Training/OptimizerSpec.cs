namespace MlNetLion.Cli.Training;

/// <summary>An optimizer as the command line names it: <c>lion</c>, <c>adamw</c> or <c>sgd</c>, optionally inside Lookahead (<c>lookahead(lion)</c>).</summary>
internal sealed record OptimizerSpec(string Name, bool Lookahead)
{
    public static readonly string[] Names = ["lion", "adamw", "sgd"];

    /// <summary>The default set of <c>compare</c>.</summary>
    public static readonly OptimizerSpec[] CompareDefaults =
        [new("lion", false), new("adamw", false), new("lion", true), new("adamw", true)];

    /// <summary>Parses "lion", "adamw", "sgd" or "lookahead(NAME)" (case-insensitive).</summary>
    public static OptimizerSpec Parse(string text, string flag)
    {
        var t = text.Trim().ToLowerInvariant();
        var lookahead = t.StartsWith("lookahead(", StringComparison.Ordinal) && t.EndsWith(')');
        var name = lookahead ? t["lookahead(".Length..^1].Trim() : t;
        return Names.Contains(name) ? new(name, lookahead)
            : throw new UserErrorException($"{flag}: '{text}' is not an optimizer; expected {string.Join(", ", Names)} or lookahead(NAME).");
    }

    /// <summary>"lion" or "lookahead(lion)".</summary>
    public override string ToString() => Lookahead ? $"lookahead({Name})" : Name;

    /// <summary>A folder name: "lion" or "lookahead-lion".</summary>
    public string Slug => Lookahead ? $"lookahead-{Name}" : Name;
}
