using Spectre.Console;

namespace MlNetLion.Cli;

/// <summary>
/// Where a command reads and writes: stdin, stdout (through Spectre.Console for tables and progress bars) and
/// stderr. <see cref="Interactive"/> is true on a terminal: progress bars redraw; otherwise (CI, redirected
/// output, tests) they become plain lines.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextReader input, TextWriter output, TextWriter error, bool interactive)
    {
        In = input;
        Out = output;
        Error = error;
        Interactive = interactive;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive) Ansi.Profile.Width = 200; // tables in logs: no wrapping at 80 columns
    }

    public TextReader In { get; }
    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public bool Interactive { get; }
    public IAnsiConsole Ansi { get; }

    /// <summary>Runs a command body and turns its exceptions into exit codes and one-line messages on stderr.</summary>
    public int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (Unwrap(e) is OperationCanceledException cancelled)
        {
            Error.WriteLine(cancelled.Message);
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (IsUserError(Unwrap(e)))
        {
            Error.WriteLine($"error: {Unwrap(e).Message}");
            return ExitCodes.UserError;
        }
        catch (Exception e)
        {
            Error.WriteLine($"internal error: {e}");
            return ExitCodes.InternalError;
        }
    }

    private static Exception Unwrap(Exception e) => e is TypeInitializationException { InnerException: { } inner } ? Unwrap(inner) : e;

    private static bool IsUserError(Exception e) => e is UserErrorException or ArgumentException or FileNotFoundException
        or DirectoryNotFoundException or InvalidDataException or FormatException or NotSupportedException or UnauthorizedAccessException
        or DllNotFoundException or Trainers.TrainingException;
}
