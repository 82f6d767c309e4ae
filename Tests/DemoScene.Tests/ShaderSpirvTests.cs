using System;
using System.Diagnostics;
using System.IO;
using NUnit.Framework;

namespace DiTPlugin.Samples.DemoScene.Tests
{
    /// <summary>
    /// The checked-in SPIR-V must be what the checked-in GLSL compiles to, so an edit to a shader without rerunning
    /// build/compile_shaders.sh fails here. glslangValidator (without -g) embeds no paths; compiling bare file names
    /// from the folder that holds them, as the script does, gives byte-identical output with the same glslang version
    /// (recorded in Shaders/glslang.version; with another version the check is skipped, not failed).
    /// </summary>
    public sealed class ShaderSpirvTests
    {
        [TestCase("scene.vert")]
        [TestCase("scene.frag")]
        public void Checked_in_spirv_matches_the_glsl(string source)
        {
            string shaders = ShadersFolder();
            string temp = Path.Combine(Path.GetTempPath(), "ditplugin-spv-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(temp);
            try
            {
                // Another glslang version may emit other valid words; only the one that made the files can judge them.
                var (_, version) = Run(temp, "glslangValidator", "--version");
                string madeBy = File.ReadAllText(Path.Combine(shaders, "glslang.version")).Trim();
                string installed = version.Split('\n')[0].Trim();
                if (installed != madeBy)
                    Assert.Ignore($"the SPIR-V was compiled by '{madeBy}', this machine has '{installed}': run build/compile_shaders.sh to regenerate with it.");

                File.Copy(Path.Combine(shaders, source), Path.Combine(temp, source));
                var (exit, output) = Run(temp, "glslangValidator", $"-V {source} -o {source}.spv");
                Assert.That(exit, Is.Zero, output);
                var fresh = File.ReadAllBytes(Path.Combine(temp, source + ".spv"));
                var checkedIn = File.ReadAllBytes(Path.Combine(shaders, source + ".spv"));
                Assert.That(checkedIn, Is.EqualTo(fresh), $"{source}.spv is stale: run build/compile_shaders.sh");
            }
            finally { Directory.Delete(temp, recursive: true); }
        }

        private static string ShadersFolder()
        {
            for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "Samples", "DemoScene", "Shaders");
                if (File.Exists(Path.Combine(candidate, "scene.vert"))) return candidate;
            }
            Assert.Ignore("Samples/DemoScene/Shaders not found above the test directory (tests run outside the source tree).");
            return "";
        }

        private static (int Exit, string Output) Run(string workingDirectory, string program, string arguments)
        {
            var info = new ProcessStartInfo(program, arguments)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            Process process;
            try { process = Process.Start(info)!; }
            catch (System.ComponentModel.Win32Exception e)
            {
                Assert.Ignore($"{program} is not installed ({e.Message}): install glslang-tools to check the SPIR-V against the GLSL.");
                return (0, "");
            }
            using (process)
            {
                string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
                process.WaitForExit();
                return (process.ExitCode, output);
            }
        }
    }
}
