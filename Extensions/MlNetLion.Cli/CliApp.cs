using System.CommandLine;
using System.Globalization;
using MlNetLion.Cli.Commands;
using MlNetLion.Cli.Data;

namespace MlNetLion.Cli;

/// <summary>The <c>mlnet-lion</c> command line: parses the arguments and runs one command.</summary>
internal static class CliApp
{
    /// <summary>Runs the command <paramref name="args"/> name and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // numbers in tables, CSV and flags read the same everywhere
        var root = new RootCommand("Train, evaluate, use and compare text and image classifiers with the Lion and Lookahead optimizers (libtorch engine).")
        {
            TrainCommand.Create(TaskKind.Text, console, cancellationToken),
            TrainCommand.Create(TaskKind.Image, console, cancellationToken),
            EvaluateCommand.Create(console),
            PredictCommand.Create(console),
            CompareCommand.Create(console, cancellationToken),
        };
        return root.Parse(args).Invoke(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // Program handles Ctrl+C: it cancels the token the trainer watches
        });
    }
}

/// <summary>What a command's exit code means.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>A bad flag, file, column or value; the message names it.</summary>
    public const int UserError = 1;
    /// <summary>A bug or an unexpected failure; the message carries the details.</summary>
    public const int InternalError = 2;
    /// <summary>Stopped by Ctrl+C (128 + SIGINT, as shells report it); the checkpoint is kept for --resume.</summary>
    public const int Cancelled = 130;
}

/// <summary>An error in what the user asked for; its message is shown as is, without a stack trace.</summary>
internal sealed class UserErrorException(string message) : Exception(message);
