[assembly: DoNotParallelize]

namespace MlNetLion.Cli.Tests;

[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void RemoveTempFiles()
    {
        if (Directory.Exists(TestData.RunFolder)) Directory.Delete(TestData.RunFolder, recursive: true);
    }
}
