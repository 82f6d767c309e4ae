using System.Linq;
using System.Text;
using System.Text.Json;
using DiTPlugin.Contract.Package;
using NUnit.Framework;

namespace DiTPlugin.Contract.Tests.Manifest;

/// <summary>The strict reader's rules before validation: encoding, size, the format, repeated keys, JSON types.</summary>
public class ManifestReaderTests
{
    private static readonly string Json = SampleManifests.Pixel.ToJson();

    private static string RefusedBytes(byte[] bytes) => Assert.Throws<PackageFormatException>(() => ModelManifest.Parse(bytes))!.Message;

    private static string Refused(string json) => Assert.Throws<PackageFormatException>(() => ModelManifest.Parse(json))!.Message;

    [Test]
    public void Utf8WithOrWithoutAByteOrderMarkIsRead()
    {
        var utf8 = Encoding.UTF8.GetBytes(Json);
        Assert.That(ModelManifest.Parse(utf8), Is.EqualTo(SampleManifests.Pixel));
        Assert.That(ModelManifest.Parse(Encoding.UTF8.GetPreamble().Concat(utf8).ToArray()), Is.EqualTo(SampleManifests.Pixel));
    }

    [Test]
    public void OtherEncodingsAreRefused()
    {
        var bad = Encoding.UTF8.GetBytes(Json);
        int at = Json.IndexOf("light", System.StringComparison.Ordinal);
        bad[at] = 0xC0;   // never valid in UTF-8
        Assert.That(RefusedBytes(bad), Is.EqualTo($"model.json: is not valid UTF-8 text (at byte {at}); model.json must be UTF-8."));
        var utf16 = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Json)).ToArray();
        Assert.That(RefusedBytes(utf16), Is.EqualTo("model.json: is UTF-16 text (it starts with a UTF-16 byte-order mark); model.json must be UTF-8."));
    }

    [Test]
    public void MoreThanTheManifestLimitIsRefusedUnread()
    {
        var huge = new byte[ManifestLimits.MaxManifestBytes + 1];   // zeros: not even JSON, and never decoded
        Assert.That(RefusedBytes(huge), Is.EqualTo("model.json: is 16777217 bytes, more than the model.json limit of 16777216 bytes (16 MiB)."));
    }

    [Test]
    public void AForeignFileIsReportedAsSuch()
    {
        Assert.That(Refused("[1, 2]"), Is.EqualTo("model.json: is not a JSON object."));
        Assert.That(Refused("{\"name\": 5}"), Is.EqualTo("model.json: unknown format '(missing)' (expected 'ditplugin-model-package')."));
        Assert.That(Refused(Json.Replace("\"formatVersion\": 1", "\"formatVersion\": 6")),
            Is.EqualTo("model.json: formatVersion 6 is newer than this plugin reads (5); update the plugin."));
        Assert.That(Refused(Json.Replace("\"formatVersion\": 1", "\"formatVersion\": 0")),
            Is.EqualTo("model.json: formatVersion 0 is not valid (expected 1..5)."));
        Assert.That(Refused("{ not json"), Does.StartWith("model.json: invalid JSON: "));
    }

    [Test]
    public void ARepeatedKeyIsRefusedWhateverItsCase()
    {
        string twice = Json.Replace("\"commercialUse\": true", "\"commercialUse\": true, \"CommercialUse\": false");
        Assert.That(Refused(twice), Is.EqualTo("model.json: the key 'CommercialUse' appears twice in license (keys are compared ignoring case, as the Plugin reads them); " +
                                               "readers disagree on which copy counts, so keys must be unique."));
        // Within the training section keys are matched exactly, so these are two keys, of which "Steps" is ignored.
        var m = SampleManifests.Latent;
        var training = m.ToJson().Replace("\"steps\": 42", "\"steps\": 42, \"Steps\": 7");
        Assert.That(ModelManifest.Parse(training).Training!.Steps, Is.EqualTo(42));
    }

    [Test]
    public void KeysAnyCaseCommentsAndTrailingCommasAreRead()
    {
        string edited = "// edited by hand\n" + Json.Replace("\"name\": \"pixel\"", "\"Name\": \"pixel\"").Replace("\"dark\"\n", "\"dark\",\n");
        Assert.That(ModelManifest.Parse(edited), Is.EqualTo(SampleManifests.Pixel));
    }

    [Test]
    public void AWrongJsonTypeNamesTheField()
    {
        var e = Assert.Throws<PackageFormatException>(() => ModelManifest.Parse(Json.Replace("\"timesteps\": 1000", "\"timesteps\": \"1000\"")))!;
        Assert.That(e.Message, Does.StartWith("model.json: invalid JSON: ").And.Contain("schedule.timesteps"));
        Assert.That(e.InnerException, Is.InstanceOf<JsonException>());
    }

    [Test]
    public void TheTrainingSectionNeverRefusesAPackage()
    {
        string Training(string section) => Json.Replace("\"training\": null", "\"training\": " + section);
        Assert.That(ModelManifest.Parse(Training("{\"steps\": \"many\", \"dataset\": 5, \"finalLoss\": 0.5, \"gpu\": \"any\"}")).Training,
            Is.EqualTo(new TrainingInfo { FinalLoss = 0.5 }), "fields of another type read as null; others are ignored");
        Assert.That(ModelManifest.Parse(Training("[1, 2]")).Training, Is.Null);
        Assert.That(ModelManifest.Parse(Training("{\"steps\": 1e300}")).Training, Is.EqualTo(new TrainingInfo()));
    }
}
