using MlNetLion.Cli;

// Ctrl+C cancels the run (the trainer checkpoints first); a second Ctrl+C ends the process at once.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    if (cancellation.IsCancellationRequested) return;
    e.Cancel = true;
    cancellation.Cancel();
};
return CliApp.Run(args, new CliConsole(Console.In, Console.Out, Console.Error, interactive: !Console.IsOutputRedirected), cancellation.Token);
