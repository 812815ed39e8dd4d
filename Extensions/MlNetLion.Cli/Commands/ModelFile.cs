using MlNetLion.Cli.Data;

namespace MlNetLion.Cli.Commands;

/// <summary>Loads a model file given with <c>--model</c> and tells which kind of data it reads.</summary>
internal static class ModelFile
{
    public static (ClassificationModel Model, TaskKind Kind) Load(MLContext ctx, string path)
    {
        if (!File.Exists(path)) throw new UserErrorException($"--model: the file '{path}' does not exist.");
        ClassificationModel model;
        try
        {
            model = ctx.Model.Load(path);
        }
        catch (InvalidDataException e)
        {
            throw new UserErrorException($"--model: {e.Message}");
        }
        return model.InputColumnName switch
        {
            Columns.Text => (model, TaskKind.Text),
            Columns.Image => (model, TaskKind.Image),
            var other => throw new UserErrorException(
                $"--model: '{path}' reads a column '{other}'; the CLI evaluates and uses models it trained (input column '{Columns.Text}' or '{Columns.Image}')."),
        };
    }
}
