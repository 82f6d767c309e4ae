using DiTPlugin.TestSupport;
using System.IO;
using System.Linq;
using DiT.Training.Formats;
using DiT.Training.Import;
using DiT.Training.Model;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Import;

/// <summary>
/// A checkpoint written by real torch.save the way the official train.py writes one ({"model", "ema", "args"}),
/// holding the independent reference DiT's weights (Tests/fixtures/make_dit_pt_fixture.py): read by the restricted
/// reader, imported with the config from the shapes, it must reproduce the reference forward pass.
/// </summary>
public class OfficialCheckpointImportTests
{
    private static string Fixture(string name) => RepoPaths.Find("Tests/fixtures/" + name,
        "Regenerate with '/usr/bin/python3 Tests/fixtures/make_dit_pt_fixture.py' (see Tests/fixtures/README.md).");

    private static readonly DiTImporter.Options Heads4 = new() { Hints = new() { NumHeads = 4 } };

    [Test]
    public void TorchSavedOfficialCheckpointImportsAndMatchesTheReferenceForward()
    {
        using var weights = StateDictFile.Load(Fixture("dit_tiny_official.pt"));
        Assert.That(weights.Description, Does.Contain("ema"));
        using var model = DiTImporter.Import(weights.Tensors, "dit_tiny_official.pt", Heads4);
        Assert.That(model.Config, Is.EqualTo(new DiTConfig
        {
            Depth = 2, HiddenSize = 64, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 4, NumClasses = 10,
        }));

        using var reference = Safetensors.Load(Fixture("dit_tiny_reference.safetensors"));
        using var _ = no_grad();
        var outp = model.forward(reference["input.x"], reference["input.t"], reference["input.y"]);
        double err = (outp.to(float64) - reference["output.forward"].to(float64)).abs().max().item<double>();
        TestContext.Out.WriteLine($"imported .pt vs reference forward: max abs error {err:E3}");
        Assert.That(err, Is.LessThanOrEqualTo(1e-5), "same tolerance as ReferenceFixtureTests: the reference's own fp32 error is ~2e-6");
    }

    [Test]
    public void TheRawTrainingWeightsAreNotTheEmaOnes()
    {
        using var ema = StateDictFile.Load(Fixture("dit_tiny_official.pt"));
        using var raw = StateDictFile.Load(Fixture("dit_tiny_official.pt"), key: "model");
        var diff = (ema["blocks.0.attn.qkv.weight"] - raw["blocks.0.attn.qkv.weight"]).abs().max().item<float>();
        Assert.That(diff, Is.GreaterThan(1e-3f), "the fixture's 'model' entry is the reference plus noise");
    }

    [Test]
    public void AFileThatIsNotADiTListsWhatIsMissingByName()
    {
        // The wrapped fixture holds a few DiT-named tensors only (x_embedder, one block's qkv and adaLN, final layer).
        using var weights = StateDictFile.Load(Fixture("torch_wrapped_checkpoint.pt"));
        var ex = Assert.Throws<InvalidDataException>(() => DiTImporter.Import(weights.Tensors, "torch_wrapped_checkpoint.pt"));
        Assert.That(ex!.Message, Does.Contain("is missing"));
        ex = Assert.Throws<InvalidDataException>(() =>
            DiTImporter.Import(weights.Tensors, "torch_wrapped_checkpoint.pt", new DiTImporter.Options { ModelName = "DiT-S/2" }));
        Assert.That(ex!.Message, Does.Contain("torch_wrapped_checkpoint.pt").And.Contain("missing [").And.Contain("pos_embed")
            .And.Contain("t_embedder.mlp.0.weight"));
    }
}
