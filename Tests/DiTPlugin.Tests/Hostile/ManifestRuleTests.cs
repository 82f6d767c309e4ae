using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using DiTPlugin.Contract.Classes;
using DiTPlugin.Runtime;
using NUnit.Framework;

namespace DiTPlugin.Tests.Hostile;

/// <summary>Items 7 and 8, and the JSON rules: sha256 spelling, class names and synonyms, repeated keys, encodings, nulls.</summary>
public class ManifestRuleTests
{
    private static readonly string Sha = BasePackages.Sha(BasePackages.Pixel["dit.onnx"]);

    [Test]
    public void ASha256WithSpacesIsRefusedForWhatItIs()
    {
        // It used to pass the file check (trimmed) and then fail contentHash with a misleading mismatch.
        var e = Probe.RefusedManifest(m => m["graphs"]![0]!["sha256"] = " " + Sha + "\n");
        Assert.That(e.Message, Is.EqualTo($"model.json: graphs[0].sha256 ' {Sha}\\u000A' is not a sha256: it must be exactly 64 hexadecimal digits (no spaces or prefix)."));
        Assert.That(Probe.RefusedManifest(m => m["graphs"]![0]!["sha256"] = "sha256:" + Sha).Message, Does.Contain("is not a sha256"));
        Assert.That(Probe.RefusedManifest(m => m["contentHash"] = "abc").Message,
            Is.EqualTo("model.json: contentHash 'abc' is not a sha256: it must be exactly 64 hexadecimal digits (no spaces or prefix)."));
    }

    [Test]
    public void UpperCaseHexIsTheSameHash()
    {
        var r = Probe.LoadsManifest(m =>
        {
            m["graphs"]![0]!["sha256"] = Sha.ToUpperInvariant();
            m["contentHash"] = ((string)m["contentHash"]!).ToUpperInvariant();
        });
        Assert.That(r.Loaded, Is.True);
    }

    [Test]
    public void ADecoderHashGivenTwiceMustAgree()
    {
        var e = Probe.RefusedManifest(m => m["latent"]!["decoderSha256"] = new string('0', 64), BasePackages.Latent);
        Assert.That(e.Message, Is.EqualTo("model.json: latent.decoderSha256 differs from graphs[1].sha256 for the same file 'vae_decoder.onnx'."));
    }

    [Test]
    public void RepeatedClassNamesAreRefused()
    {
        var e = Probe.RefusedManifest(m => m["classes"]!["names"]![2] = "Trouser");
        Assert.That(e.Message, Is.EqualTo("model.json: classes.names[2] 'Trouser' repeats classes.names[1]; class names must be unique, ignoring case (a repeated name could not select its class)."));
        e = Probe.RefusedManifest(m => m["classes"]!["names"]![2] = " trouser");
        Assert.That(e.Message, Does.Contain("classes.names[2] ' trouser' repeats classes.names[1]"), "the resolver trims and ignores case, so this class could not be found by name");
        Probe.LoadsManifest(m => { m["classes"]!["names"]![1] = ""; m["classes"]!["names"]![2] = ""; });   // unnamed classes are placeholders
    }

    [Test]
    public void ImageNetsOwnRepeatIsAllowedButNoOther()
    {
        var names = ImageNetClasses.All.Select(c => c.Name).ToArray();
        Assert.That(names[134], Is.EqualTo(names[517]), "ImageNet names two classes 'crane'");
        var files = BasePackages.Pixel;
        JsonObject With(string[] list)
        {
            var m = BasePackages.Manifest(files);
            m["classes"] = new JsonObject { ["count"] = 1000, ["nullClass"] = 1000, ["names"] = new JsonArray(list.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()) };
            return m;
        }
        Assert.That(ModelPackage.ParseManifest(With(names).ToJsonString()).Classes.Count, Is.EqualTo(1000));
        var copy = (string[])names.Clone();
        copy[5] = copy[4];
        var e = Assert.Throws<ModelPackageException>(() => ModelPackage.ParseManifest(With(copy).ToJsonString()))!;
        Assert.That(e.Message, Does.StartWith($"model.json: classes.names[5] '{names[4]}' repeats classes.names[4]"));
    }

    [Test]
    public void ANullClassNameIsNamedAsSuch()
    {
        var e = Probe.RefusedManifest(m => m["classes"]!["names"]![1] = null);
        Assert.That(e.Message, Is.EqualTo("model.json: classes.names[1] is null; class names are strings (an empty string marks an unnamed class)."));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("--")]
    public void SynonymsWithoutWordsAreRefused(string synonym)
    {
        var e = Probe.RefusedManifest(m => m["classes"]!["synonyms"]![synonym] = 1);
        Assert.That(e.Message, Is.EqualTo($"model.json: classes.synonyms has the synonym '{synonym}' (for class 1), which has no letters or digits; no search could reach it."));
    }

    [Test]
    public void ARepeatedKeyIsRefusedWhateverItsCase()
    {
        var m = BasePackages.Manifest(BasePackages.Pixel);
        string spoof = JsonMutation.WithExtraKey(m, "license", "commercialUse", "false");
        var e = Probe.Refused(BasePackages.WithFile(BasePackages.Pixel, "model.json", Encoding.UTF8.GetBytes(spoof)));
        Assert.That(e.Message, Is.EqualTo("model.json: the key 'commercialUse' appears twice in license (keys are compared ignoring case, as the Plugin reads them); " +
                                          "readers disagree on which copy counts, so keys must be unique."));
        string cased = JsonMutation.WithExtraKey(m, "", "License", "{\"id\":\"proprietary\"}");
        Assert.That(Probe.Refused(BasePackages.WithFile(BasePackages.Pixel, "model.json", Encoding.UTF8.GetBytes(cased))).Message,
            Does.Contain("the key 'License' appears twice in the top-level object"));
        // Synonyms are a map matched exactly: "Tee" beside "tee" is two synonyms.
        Probe.LoadsManifest(n => n["classes"]!["synonyms"]!["Tee"] = 0);
    }

    [Test]
    public void EncodingsOtherThanUtf8AreRefused()
    {
        var json = BasePackages.Pixel["model.json"];
        var bad = json.ToArray();
        int at = Encoding.UTF8.GetString(json).IndexOf("Trouser", System.StringComparison.Ordinal);
        bad[at] = 0xC0;   // never valid in UTF-8
        Assert.That(Probe.Refused(BasePackages.WithFile(BasePackages.Pixel, "model.json", bad)).Message,
            Is.EqualTo($"model.json: is not valid UTF-8 text (at byte {at}); model.json must be UTF-8."));
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(json))).ToArray();
        Assert.That(Probe.Refused(BasePackages.WithFile(BasePackages.Pixel, "model.json", utf16)).Message, Does.Contain("model.json must be UTF-8"));
        Probe.Loads(BasePackages.WithFile(BasePackages.Pixel, "model.json", Encoding.UTF8.GetPreamble().Concat(json).ToArray()));
    }

    [Test]
    public void NullSectionsAreNamed()
    {
        Assert.That(Probe.RefusedManifest(m => m["architecture"] = null).Message, Is.EqualTo("model.json: architecture is null; it must be an object (see docs/model-package.md)."));
        Assert.That(Probe.RefusedManifest(m => m["graphs"]!.AsArray().Add(null)).Message, Does.StartWith("model.json: graphs[1] is null"));
        Assert.That(Probe.RefusedManifest(m => m["name"] = null).Message, Is.EqualTo("model.json: name is null; it must be a string naming the model."));
        Assert.That(Probe.RefusedManifest(m => m["schedule"]!["timesteps"] = "1000").Message, Does.StartWith("model.json: invalid JSON: ").And.Contain("schedule.timesteps"));
    }
}
