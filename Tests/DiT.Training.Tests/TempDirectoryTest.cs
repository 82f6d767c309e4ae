using System.IO;
using NUnit.Framework;

namespace DiT.Training.Tests;

/// <summary>Base for tests that write files: a fresh directory per test, removed afterwards.</summary>
public abstract class TempDirectoryTest
{
    protected string Dir { get; private set; } = "";

    [SetUp]
    public void CreateTempDirectory() => Dir = Directory.CreateTempSubdirectory("dit-tests-").FullName;

    [TearDown]
    public void DeleteTempDirectory()
    {
        if (Directory.Exists(Dir)) Directory.Delete(Dir, recursive: true);
    }
}
