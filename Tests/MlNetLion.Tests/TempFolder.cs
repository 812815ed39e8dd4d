namespace MlNetLion.Tests;

internal static class TempFolder
{
    public static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mlnet-lion-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static string WriteFile(string name, string content) => WriteFile(name, System.Text.Encoding.UTF8.GetBytes(content));

    public static string WriteFile(string name, byte[] content)
    {
        var path = Path.Combine(Create(), name);
        File.WriteAllBytes(path, content);
        return path;
    }
}
