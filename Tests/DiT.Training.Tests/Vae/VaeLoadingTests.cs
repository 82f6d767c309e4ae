using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using DiT.Training.Formats;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Vae.VaeFixture;

namespace DiT.Training.Tests.Vae;

/// <summary>Loading diffusers AutoencoderKL weights: old attention names, 1x1-conv attention weights, strict errors, config inference.</summary>
public class VaeLoadingTests : TempDirectoryTest
{
    private static (Tensor Mean, Tensor Decoded) Outputs(AutoencoderKL vae, SafetensorsFile f)
    {
        using var _ = no_grad();
        var (mean, logvar) = vae.Encode(f["input.image"]);
        logvar.Dispose();
        return (mean, vae.Decode(f["input.latent"]));
    }

    /// <summary>The older diffusers layout (sd-vae-ft-mse / -ema): query, key, value, proj_attn, optionally as [C, C, 1, 1] convs.</summary>
    private static System.Collections.Generic.Dictionary<string, Tensor> Legacy(System.Collections.Generic.Dictionary<string, Tensor> w, bool asConv)
    {
        var names = new[] { ("to_q", "query"), ("to_k", "key"), ("to_v", "value"), ("to_out.0", "proj_attn") };
        return w.ToDictionary(kv =>
        {
            var k = kv.Key;
            foreach (var (now, old) in names) k = k.Replace($".attentions.0.{now}.", $".attentions.0.{old}.");
            return k;
        }, kv => asConv && Regex.IsMatch(kv.Key, @"attentions\.0\.(to_q|to_k|to_v|to_out\.0)\.weight$")
            ? kv.Value.reshape(kv.Value.shape[0], kv.Value.shape[1], 1, 1) : kv.Value);
    }

    [TestCase(false, false)]
    [TestCase(true, false)]
    [TestCase(false, true)]
    [TestCase(true, true)]
    public void LegacyAttentionNamesAndConvShapedWeightsLoadTheSame(bool legacyNames, bool convShaped)
    {
        using var f = Open();
        var current = Weights(f);
        using var scope = NewDisposeScope();
        var variant = legacyNames ? Legacy(current, convShaped)
            : current.ToDictionary(kv => kv.Key, kv => convShaped && kv.Key.Contains(".attentions.0.to_") && kv.Key.EndsWith(".weight")
                ? kv.Value.reshape(kv.Value.shape[0], kv.Value.shape[1], 1, 1) : kv.Value);
        if (legacyNames)
        {
            Assert.That(variant.Keys, Does.Contain("decoder.mid_block.attentions.0.proj_attn.weight"));
            Assert.That(variant.Keys.Any(k => k.Contains(".to_q.")), Is.False);
        }
        if (convShaped) Assert.That(variant["encoder.mid_block.attentions.0." + (legacyNames ? "query" : "to_q") + ".weight"].ndim, Is.EqualTo(4));

        using var reference = AutoencoderKL.Load(current, TinyConfig);
        using var vae = AutoencoderKL.Load(variant, VaeStateDict.InferConfig(variant, new VaeConfig { NormGroups = 8 }));
        Assert.That(vae.Config, Is.EqualTo(TinyConfig));
        var (m0, d0) = Outputs(reference, f);
        var (m1, d1) = Outputs(vae, f);
        Assert.That(MaxAbsDiff(m0, m1), Is.EqualTo(0.0));
        Assert.That(MaxAbsDiff(d0, d1), Is.EqualTo(0.0));
    }

    [Test]
    public void MissingKeyIsNamed()
    {
        using var f = Open();
        var w = Weights(f);
        w.Remove("decoder.up_blocks.1.resnets.0.conv_shortcut.bias");
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(w, TinyConfig))!;
        Assert.That(e.Message, Does.Contain("missing [decoder.up_blocks.1.resnets.0.conv_shortcut.bias]"));
    }

    [Test]
    public void MisShapedKeyIsNamed()
    {
        using var f = Open();
        var w = Weights(f);
        using var scope = NewDisposeScope();
        w["encoder.mid_block.attentions.0.to_k.weight"] = zeros(32, 16);
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(w, TinyConfig))!;
        Assert.That(e.Message, Does.Contain("mis-shaped [encoder.mid_block.attentions.0.to_k.weight (32x16 vs model 32x32)]"));
    }

    [Test]
    public void UnexpectedKeyIsNamedAndBothSpellingsAreRejected()
    {
        using var f = Open();
        var w = Weights(f);
        using var scope = NewDisposeScope();
        w["decoder.up_blocks.1.upsamplers.0.conv.weight"] = zeros(16, 16, 3, 3);   // the last up block has no upsampler
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(w, TinyConfig))!;
        Assert.That(e.Message, Does.Contain("unexpected [decoder.up_blocks.1.upsamplers.0.conv.weight]"));

        var both = Weights(f);
        both["decoder.mid_block.attentions.0.query.bias"] = both["decoder.mid_block.attentions.0.to_q.bias"];
        var e2 = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(both, TinyConfig))!;
        Assert.That(e2.Message, Does.Contain("decoder.mid_block.attentions.0.query.bias").And.Contain("to_q.bias"));
    }

    [Test]
    public void WrongConfigIsReportedAsShapeMismatches()
    {
        using var f = Open();
        var cfg = TinyConfig with { LatentChannels = 8 };
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.Load(Weights(f), cfg))!;
        Assert.That(e.Message, Does.Contain("mis-shaped [").And.Contain("post_quant_conv.weight (4x4x1x1 vs model 8x8x1x1)"));
    }

    [Test]
    public void ConfigIsInferredFromShapes()
    {
        using var f = Open();
        // Without a template the group count is SD's 32, which 16 channels cannot hold: the loader says so.
        var e = Assert.Throws<ArgumentException>(() => VaeStateDict.InferConfig(Weights(f)))!;
        Assert.That(e.Message, Does.Contain("multiples of NormGroups (32)"));

        // The SD shape: the real config round-trips through a state_dict (no weights needed beyond shapes).
        using var sd = new AutoencoderKL(VaeConfig.StableDiffusion);
        Assert.That(VaeStateDict.InferConfig(sd.state_dict()), Is.EqualTo(VaeConfig.StableDiffusion));

        // Decoder-only maps (exporting needs only post_quant_conv + decoder).
        var dec = Weights(f).Where(kv => !kv.Key.StartsWith("encoder.") && kv.Key != "quant_conv.weight" && kv.Key != "quant_conv.bias")
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        Assert.That(VaeStateDict.InferConfig(dec, new VaeConfig { NormGroups = 8 }), Is.EqualTo(TinyConfig));

        var nothing = new System.Collections.Generic.Dictionary<string, Tensor>();
        var e2 = Assert.Throws<InvalidDataException>(() => VaeStateDict.InferConfig(nothing))!;
        Assert.That(e2.Message, Does.Contain("encoder.down_blocks.0.resnets.0.conv1.weight"));
    }

    [Test]
    public void ValidateExplains()
    {
        Assert.That(() => new VaeConfig { BlockOutChannels = Array.Empty<int>() }.Validate(), Throws.ArgumentException.With.Message.Contains("at least one"));
        Assert.That(() => new VaeConfig { BlockOutChannels = new[] { 48, 64 } }.Validate(),
            Throws.ArgumentException.With.Message.Contains("48 is not"));
        Assert.That(() => new VaeConfig { LayersPerBlock = 0 }.Validate(), Throws.ArgumentException.With.Message.Contains("LayersPerBlock"));
        Assert.That(() => new VaeConfig { ScalingFactor = 0 }.Validate(), Throws.ArgumentException.With.Message.Contains("ScalingFactor"));
        Assert.That(() => new VaeConfig { NormEps = double.NaN }.Validate(), Throws.ArgumentException.With.Message.Contains("NormEps"));
        Assert.That(VaeConfig.StableDiffusion.DownsampleFactor, Is.EqualTo(8));
        Assert.That(TinyConfig.DownsampleFactor, Is.EqualTo(2));
    }

    [Test]
    public void FromFileReadsADiffusersSafetensorsFile()
    {
        using var f = Open();
        using var scope = NewDisposeScope();
        var path = Path.Combine(Dir, "diffusion_pytorch_model.safetensors");
        Safetensors.Save(path, Legacy(Weights(f), asConv: true));
        using var vae = AutoencoderKL.FromFile(path, config: TinyConfig);
        using var reference = AutoencoderKL.Load(Weights(f), TinyConfig);
        Assert.That(MaxAbsDiff(Outputs(vae, f).Decoded, Outputs(reference, f).Decoded), Is.EqualTo(0.0));

        var w = Weights(f);
        w.Remove("encoder.conv_in.bias");
        Safetensors.Save(path, w);
        var e = Assert.Throws<InvalidDataException>(() => AutoencoderKL.FromFile(path, config: TinyConfig))!;
        Assert.That(e.Message, Does.StartWith(path).And.Contain("missing [encoder.conv_in.bias]"));
    }
}
