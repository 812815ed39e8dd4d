namespace MlNetLion.Bench;

/// <summary>The bench's argument parsing: <c>--name value</c> options.</summary>
internal static class CommandLine
{
    /// <summary>The value after <paramref name="name"/>, or null when it is absent.</summary>
    public static string? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
