using System.Diagnostics;
using System.Text;

namespace MlNetLion.Cli.Tests;

/// <summary>What a CLI run printed and returned.</summary>
internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs <c>mlnet-lion</c> in this process (the root command with arguments) or as a process (<c>dotnet mlnet-lion.dll</c>).</summary>
internal static class Cli
{
    /// <summary>The CLI next to the tests (the project reference copies it here).</summary>
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "mlnet-lion.dll");

    public static CliResult Run(params string[] args) => Run(args, stdin: "");

    public static CliResult Run(string[] args, string stdin, TextWriter? outputSpy = null, CancellationToken cancellationToken = default)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(stdin), outputSpy is null ? output : new TeeWriter(output, outputSpy), error, interactive: false);
        var code = CliApp.Run(args, console, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Starts <c>dotnet mlnet-lion.dll ARGS</c> with redirected output (no terminal: plain progress lines).</summary>
    public static Process Start(string fileName, IEnumerable<string> args, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info)!;
    }

    public static CliResult RunProcess(params string[] args) => RunProcess("dotnet", [Dll, .. args]);

    public static CliResult RunProcess(string fileName, IEnumerable<string> args, int timeoutSeconds = 300, string? workingDirectory = null)
    {
        using var process = Start(fileName, args, workingDirectory);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"'{fileName} {string.Join(' ', args)}' did not finish in {timeoutSeconds} s.");
        }
        return new CliResult(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Writes to two writers (the captured output and a test's spy).</summary>
    private sealed class TeeWriter(TextWriter first, TextWriter second) : TextWriter
    {
        public override Encoding Encoding => Encoding.UTF8;
        public override void Write(char value) { first.Write(value); second.Write(value); }
        public override void Write(string? value) { first.Write(value); second.Write(value); }
        public override void WriteLine(string? value) { first.WriteLine(value); second.WriteLine(value); }
    }
}
