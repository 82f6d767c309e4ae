using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using DiTPlugin.Contract.Classes;
using DiT.Training.Model;
using DiT.Training.Trainer;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Cli;

/// <summary>
/// The `dit` console given careless or hostile options, run as a process as a user would: each case ends with one line
/// naming the option or file and what is valid, a non-zero exit code, and never a stack trace.
/// </summary>
[NonParallelizable]
public class CliBadInputTests : TempDirectoryTest
{
    private static string CliDll()
    {
        // The CLI's own build output, for the configuration this test assembly was built in.
        string config = TestContext.CurrentContext.TestDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}") ? "Debug" : "Release";
        string dir = DiTPlugin.TestSupport.RepoPaths.Find("Training/DiT.Cli/bin");
        var dll = Directory.EnumerateFiles(dir, "dit.dll", SearchOption.AllDirectories).FirstOrDefault(p => p.Contains(Path.DirectorySeparatorChar + config + Path.DirectorySeparatorChar));
        Assert.That(dll, Is.Not.Null, $"dit.dll ({config}) was not built under {dir}");
        return dll!;
    }

    private static (int Exit, string Output) Dit(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(CliDll());
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.That(p.WaitForExit(120_000), Is.True, "dit did not finish in 2 minutes: " + string.Join(" ", args));
        string output = stdout.Result + stderr.Result;
        Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("Unhandled exception"), "no stack trace for bad input:\n" + output);
        // Spectre.Console wraps long lines at 80 columns when output is redirected: compare with whitespace collapsed.
        return (p.ExitCode, System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "));
    }

    /// <summary>A tiny pixel-space checkpoint (1x8x8, 3 classes), with its weights optionally poisoned.</summary>
    private string Checkpoint(string name, float? poison = null, int channels = 1, int diffusionSteps = 1000)
    {
        var cfg = new DiTConfig { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 4, InputSize = 8, InChannels = channels, NumClasses = 3 };
        using var model = new DiTModel(cfg);
        if (poison is float v)
            using (no_grad()) model.state_dict()["final_layer.linear.bias"].fill_(v);
        string path = Path.Combine(Dir, name);
        DiT.Training.Trainer.Checkpoint.Save(path, null, model, null, 1, new TrainOptions { DiffusionSteps = diffusionSteps }, new[] { "stone", "brick", "moss" });
        return path;
    }

    private static void OneClearLine((int Exit, string Output) r, string expected)
    {
        Assert.That(r.Exit, Is.Not.EqualTo(0).And.Not.EqualTo(134), r.Output);
        Assert.That(r.Output, Does.Contain(expected));
    }

    [Test]
    public void PrecisionAndBenchOptionsThatContradictAreNamed()
    {
        OneClearLine(Dit("train", "--data", "fashion-mnist", "--bf16", "--precision", "fp32", "--out", Path.Combine(Dir, "run")),
            "--bf16 and --precision fp32 contradict each other");
        OneClearLine(Dit("train", "--data", "fashion-mnist", "--precision", "fp16", "--out", Path.Combine(Dir, "run")), "fp16");
        OneClearLine(Dit("bench", "--torch-reference"), "--torch-reference times a training step: use it with --train");
    }

    [Test]
    public void EvalOfRawWeightsNeedsACheckpointThatHasThem()
    {
        string emaOnly = Checkpoint("ema.ckpt");
        OneClearLine(Dit("eval", "--checkpoint", emaOnly, "--real", Dir, "--classifier", "x.safetensors", "--weights", "raw", "--out", Path.Combine(Dir, "e.json")),
            "holds the EMA weights only");
        OneClearLine(Dit("eval", "--checkpoint", emaOnly, "--real", Dir, "--classifier", "x.safetensors", "--weights", "last", "--out", Path.Combine(Dir, "e.json")),
            "last");
    }

    [Test]
    public void BenchTrainTimesATinyModel()
    {
        var r = Dit("bench", "--train", "--model", "custom", "--depth", "1", "--hidden", "32", "--heads", "2", "--patch", "4",
            "--input-size", "8", "--channels", "3", "--classes", "4", "--batch", "2", "--steps", "2", "--warmup", "1");
        Assert.That(r.Exit, Is.EqualTo(0), r.Output);
        Assert.That(r.Output, Does.Match(@"custom: 1x32/p4, batch 2, 8x8, (fp32|bf16): median \d+ ms/step"));
        Assert.That(r.Output, Does.Contain("data wait").And.Contain("peak resident"));
    }

    [Test]
    public void SamplerStepsAreCheckedAgainstTheCheckpointsOwnT()
    {
        // The command line is parsed before the checkpoint is read, so the limit is the model's T, not 1000.
        string shortT = Checkpoint("t100.ckpt", diffusionSteps: 100);
        OneClearLine(Dit("sample", "--checkpoint", shortT, "--sampler", "ddim500", "--out", Path.Combine(Dir, "s.png")), "N in 1..100");
        Assert.That(File.Exists(Path.Combine(Dir, "s.png")), Is.False);
        string longT = Checkpoint("t1200.ckpt", diffusionSteps: 1200);
        string png = Path.Combine(Dir, "l.png");
        var r = Dit("sample", "--checkpoint", longT, "--sampler", "1100", "--per-class", "1", "--classes", "0", "--out", png);
        Assert.That(r.Exit, Is.EqualTo(0), r.Output);
        Assert.That(File.Exists(png), Is.True);
    }

    [Test]
    public void SampleStartsFromAnImageAndInpaintsWithAMask()
    {
        string ckpt = Checkpoint("t.ckpt");
        string source = Path.Combine(Dir, "source.png"), kept = Path.Combine(Dir, "kept.png"), painted = Path.Combine(Dir, "painted.png");
        var rng = new Random(3);
        var texture = new byte[64];
        rng.NextBytes(texture);
        using (var f = File.Create(source))
            new StbImageWriteSharp.ImageWriter().WritePng(texture, 8, 8, StbImageWriteSharp.ColorComponents.Grey, f);
        // The output is a one-cell grid: the 8x8 image inside the grid's border.
        byte[] Pixels(string png)
        {
            var img = StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(png), StbImageSharp.ColorComponents.Grey);
            int pad = (img.Width - 8) / 2;
            return Enumerable.Range(0, 64).Select(p => img.Data[(pad + p / 8) * img.Width + pad + p % 8]).ToArray();
        }
        (int Exit, string Output) r;

        r = Dit("sample", "--checkpoint", ckpt, "--classes", "1", "--per-class", "1", "--sampler", "ddim4", "--init", source, "--strength", "0", "--out", kept);
        Assert.That(r.Exit, Is.EqualTo(0), r.Output);
        Assert.That(r.Output, Does.Contain("Starting from").And.Contain("at strength 0"));
        Assert.That(Pixels(kept), Is.EqualTo(texture), "strength 0 returns the image");

        string mask = Path.Combine(Dir, "mask.png");
        var white = Enumerable.Range(0, 64).Select(p => (byte)(p % 8 < 4 ? 255 : 0)).ToArray();   // regenerate the left half
        using (var f = File.Create(mask))
            new StbImageWriteSharp.ImageWriter().WritePng(white, 8, 8, StbImageWriteSharp.ColorComponents.Grey, f);
        r = Dit("sample", "--checkpoint", ckpt, "--classes", "2", "--per-class", "1", "--sampler", "ddim4", "--init", source, "--strength", "1", "--mask", mask, "--out", painted);
        Assert.That(r.Exit, Is.EqualTo(0), r.Output);
        var a = texture;
        var b = Pixels(painted);
        Assert.That(Enumerable.Range(0, 64).Where(p => p % 8 >= 4).Select(p => b[p]), Is.EqualTo(Enumerable.Range(0, 64).Where(p => p % 8 >= 4).Select(p => a[p])), "the kept half");
        Assert.That(Enumerable.Range(0, 64).Where(p => p % 8 < 4).Count(p => b[p] != a[p]), Is.GreaterThan(8), "the regenerated half");

        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--mask", mask, "--out", Path.Combine(Dir, "x.png")), "--strength and --mask need --init");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--init", source, "--strength", "2", "--out", Path.Combine(Dir, "x.png")), "--strength 2 must be in [0, 1]");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--init", Path.Combine(Dir, "none.png"), "--out", Path.Combine(Dir, "x.png")), "--init");
        string big = Path.Combine(Dir, "big.png");
        using (var f = File.Create(big))
            new StbImageWriteSharp.ImageWriter().WritePng(new byte[16 * 16], 16, 16, StbImageWriteSharp.ColorComponents.Grey, f);
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--init", big, "--out", Path.Combine(Dir, "x.png")), "is 16x16; this model makes 8x8 images");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--init", source, "--mask", big, "--out", Path.Combine(Dir, "x.png")), "--mask");
        Assert.That(File.Exists(Path.Combine(Dir, "x.png")), Is.False);
    }

    [Test]
    public void OptionValuesOutOfRangeAreNamedWithTheValidRange()
    {
        string ckpt = Checkpoint("t.ckpt");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--sampler", "abc"), "--sampler: Sampler 'abc' is not valid: use ddpmN or N");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--sampler", "ddim5000"), "N in 1..1000");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--cfg", "NaN"), "--cfg NaN is not valid: give a finite number in 0..100.");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--per-class", "0"), "--per-class 0 is out of range: valid values are 1..1024.");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--seed", "-1"), "--seed -1 is out of range: valid values are 0..");
        OneClearLine(Dit("sample-npz", "--checkpoint", ckpt, "--out", Path.Combine(Dir, "x.npz"), "--count", "2147483647"), "--count 2147483647 is out of range: valid values are 1..10000000.");
        OneClearLine(Dit("train", "--data", Dir, "--steps", "99999999999"), "--steps 99999999999 is out of range: valid values are 1..1000000000.");
        OneClearLine(Dit("eval", "--checkpoint", ckpt, "--real", Dir, "--cfg", "1,x"), "--cfg 'x' is not a number");
    }

    [Test]
    public void ModelMismatchesFailBeforeAnyWork()
    {
        string ckpt = Checkpoint("t.ckpt");
        OneClearLine(Dit("export", "--checkpoint", ckpt, "--guided-channels", "2", "--out", Path.Combine(Dir, "p")),
            "Guided channels 2 is out of range: the model has 1 channels, so valid values are 1..1.");
        Assert.That(Directory.Exists(Path.Combine(Dir, "p")), Is.False, "nothing written");
        string latent = Checkpoint("latent.ckpt", channels: 4);
        OneClearLine(Dit("sample", "--checkpoint", latent, "--sampler", "ddim2", "--out", Path.Combine(Dir, "l.png")), "is a 4-channel");
        OneClearLine(Dit("sample", "--checkpoint", latent), "Give --vae FILE");
    }

    [Test]
    public void ClassNamesResolveAsInThePluginAndBadOnesNameTheValidClasses()
    {
        string ckpt = Checkpoint("t.ckpt");
        string png = Path.Combine(Dir, "classes.png");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--classes", "granite", "--out", png),
            "--classes: Unknown class name 'granite'");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--classes", "stone,granite", "--out", png),
            "Classes: 0 stone, 1 brick, 2 moss; or give a class id 0..2.");
        OneClearLine(Dit("sample", "--checkpoint", ckpt, "--classes", "1,7", "--out", png), "--classes: class id 7 is out of range: valid ids are 0..2.");
        Assert.That(File.Exists(png), Is.False, "refused before sampling");

        // A misspelling and a prefix resolve as the Plugin resolves them; the misspelling is reported.
        var ok = Dit("sample", "--checkpoint", ckpt, "--classes", "bricks,MOS,0", "--sampler", "ddim2", "--per-class", "1", "--out", png);
        Assert.That(ok.Exit, Is.EqualTo(0), ok.Output);
        Assert.That(ok.Output, Does.Contain("Class name 'bricks' is 'brick' (1), taken as a misspelling (1 edit away).")
            .And.Contain("Sampling 3 images (brick, moss, stone)"));
        Assert.That(File.Exists(png), Is.True);
    }

    [Test]
    public void ImportedClassNamesFollowTheContractsRepeatRule()
    {
        var cfg = new DiTConfig { Depth = 1, HiddenSize = 16, NumHeads = 2, PatchSize = 4, InputSize = 8, InChannels = 1, NumClasses = 1000 };
        string weights = Path.Combine(Dir, "w.safetensors");
        using (var model = new DiTModel(cfg)) DiT.Training.Formats.Safetensors.Save(weights, model.state_dict());
        string names = Path.Combine(Dir, "names.txt"), ckpt = Path.Combine(Dir, "imported.ckpt");
        string[] Import() => new[] { "import", "--dit", weights, "--num-heads", "2", "--class-names", names, "--out", ckpt };

        // A repeated name is refused, ignoring case and surrounding spaces...
        var list = ImageNetClasses.All.Select(c => c.Name).ToArray();
        list[5] = "Tench ";
        File.WriteAllLines(names, list);
        OneClearLine(Dit(Import()), "names a class twice ('tench' names classes 0, 5; 'crane' names classes 134, 517;");
        Assert.That(File.Exists(ckpt), Is.False);

        // ...but ImageNet's own repeats are kept in ImageNet's list, also given as plain names (export keeps them too).
        File.WriteAllLines(names, ImageNetClasses.All.Select(c => c.Name));
        var r = Dit(Import());
        Assert.That(r.Exit, Is.EqualTo(0), r.Output);
        Assert.That(r.Output, Does.Contain("Class names ImageNet itself repeats, kept: 'crane' names classes 134, 517; 'Cardigan' names classes 264, 474; 'maillot' names classes 638, 639."));
    }

    [Test]
    public void BrokenWeightsGiveAnErrorNotBlackImages()
    {
        string ckpt = Checkpoint("nan.ckpt", poison: float.NaN);
        string png = Path.Combine(Dir, "out.png");
        var r = Dit("sample", "--checkpoint", ckpt, "--sampler", "ddim3", "--per-class", "1", "--out", png);
        OneClearLine(r, "final_layer.linear.bias: 32 NaN and 0 infinite of 32 values");
        Assert.That(File.Exists(png), Is.False, "no all-black PNG");
    }

    [Test]
    public void OutputsThatCannotBeWrittenAreOneLine()
    {
        string ckpt = Checkpoint("t.ckpt");
        File.WriteAllText(Path.Combine(Dir, "afile"), "x");
        var r = Dit("sample", "--checkpoint", ckpt, "--sampler", "ddim2", "--per-class", "1", "--out", Path.Combine(Dir, "afile", "x.png"));
        OneClearLine(r, "is a file, so nothing can be written under it.");
        Assert.That(r.Output, Does.Not.Contain("Sampling"), "refused before sampling");
        OneClearLine(Dit("export", "--checkpoint", ckpt, "--out", Path.Combine(Dir, "afile", "pkg")), "is a file, so nothing can be written under it.");
    }
}
