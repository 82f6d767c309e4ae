using System.Linq;
using DiT.Training.Vae;
using NUnit.Framework;
using static TorchSharp.torch;
using static DiT.Training.Tests.Vae.VaeFixture;

namespace DiT.Training.Tests.Vae;

/// <summary>
/// Our AutoencoderKL against an independent plain-PyTorch forward pass (Tests/fixtures/make_vae_fixture.py):
/// random non-zero weights under diffusers' key names, an image, a latent, and the reference posterior and decode.
/// </summary>
public class VaeReferenceFixtureTests
{
    /// <summary>
    /// The reference is a float64 evaluation; our float32 forward differs from it by float32 rounding through ~20
    /// convs, 2 attentions and ~25 GroupNorms on O(1) activations: the reference's own float32 run lands 1.3e-6 to
    /// 1.6e-6 away (fixture metadata), so 1e-5 leaves a few-fold margin for a different summation order yet catches
    /// any real mistake (a wrong eps, pad side or group layout moves outputs by 1e-3 or more).
    /// </summary>
    private const double Tolerance = 1e-5;

    [Test]
    public void EncoderPosteriorMatchesTheReference()
    {
        using var f = Open();
        using var vae = AutoencoderKL.Load(Weights(f), TinyConfig);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (mean, logvar) = vae.Encode(f["input.image"]);
        double em = MaxAbsDiff(mean, f["output.mean"]), el = MaxAbsDiff(logvar, f["output.logvar"]);
        TestContext.Out.WriteLine($"mean: max abs error {em:E3}; logvar: {el:E3} (torch {f.Metadata["torch_version"]})");
        Assert.That(em, Is.LessThanOrEqualTo(Tolerance));
        Assert.That(el, Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void DecoderMatchesTheReference()
    {
        using var f = Open();
        using var vae = AutoencoderKL.Load(Weights(f), TinyConfig);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = vae.Decode(f["input.latent"]);
        double e = MaxAbsDiff(image, f["output.decoded"]);
        TestContext.Out.WriteLine($"decoded: max abs error {e:E3}, |ref| max {f["output.decoded"].abs().max().item<float>():F3}");
        Assert.That(e, Is.LessThanOrEqualTo(Tolerance));

        // DecodeScaled takes latents multiplied by the scaling factor.
        var scaled = vae.DecodeScaled(f["input.latent"] * TinyConfig.ScalingFactor);
        Assert.That(MaxAbsDiff(scaled, f["output.decoded"]), Is.LessThanOrEqualTo(Tolerance));
    }

    [Test]
    public void KeysAndConfigMatchTheFixture()
    {
        using var f = Open();
        var weights = Weights(f);
        using var vae = new AutoencoderKL(TinyConfig);
        Assert.That(vae.state_dict().Keys, Is.EquivalentTo(weights.Keys), "our state_dict keys vs diffusers' names");

        var meta = System.Text.Json.JsonDocument.Parse(f.Metadata["config"]).RootElement;
        Assert.That(meta.GetProperty("block_out_channels").EnumerateArray().Select(e => e.GetInt32()), Is.EqualTo(TinyConfig.BlockOutChannels));
        Assert.That(meta.GetProperty("layers_per_block").GetInt32(), Is.EqualTo(TinyConfig.LayersPerBlock));
        Assert.That(meta.GetProperty("norm_num_groups").GetInt32(), Is.EqualTo(TinyConfig.NormGroups));
        Assert.That(meta.GetProperty("latent_channels").GetInt32(), Is.EqualTo(TinyConfig.LatentChannels));
        Assert.That(meta.GetProperty("norm_eps").GetDouble(), Is.EqualTo(TinyConfig.NormEps));
        Assert.That(meta.GetProperty("scaling_factor").GetDouble(), Is.EqualTo(TinyConfig.ScalingFactor));

        // Shapes alone give everything but the group count (and eps, scale), which come from the template.
        var inferred = VaeStateDict.InferConfig(weights, new VaeConfig { NormGroups = 8 });
        Assert.That(inferred, Is.EqualTo(TinyConfig), inferred.ToString());
        Assert.That(vae.ParameterCounts().Total, Is.EqualTo(167_959));
    }

    [Test]
    public void EncodeLatentsScalesTheMeanOrASample()
    {
        using var f = Open();
        using var vae = AutoencoderKL.Load(Weights(f), TinyConfig);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var image = f["input.image"];
        var (mean, logvar) = vae.Encode(image);

        var z = vae.EncodeLatents(image);
        Assert.That(MaxAbsDiff(z, mean * TinyConfig.ScalingFactor), Is.LessThanOrEqualTo(1e-7));

        // A sample is mean + exp(logvar/2)·eps with eps from the generator: reproducible, and recoverable.
        var s1 = vae.EncodeLatents(image, new Generator(11), sample: true);
        var s2 = vae.EncodeLatents(image, new Generator(11), sample: true);
        Assert.That(MaxAbsDiff(s1, s2), Is.EqualTo(0.0));
        var eps = randn(mean.shape, generator: new Generator(11));
        var expected = (mean + (logvar * 0.5).exp() * eps) * TinyConfig.ScalingFactor;
        Assert.That(MaxAbsDiff(s1, expected), Is.LessThanOrEqualTo(1e-6));
        Assert.That(MaxAbsDiff(s1, z), Is.GreaterThan(1e-3), "sampling adds noise");

        // Unscaled: the mean itself (what LatentCache's encoder returns; the cache applies the scale).
        Assert.That(MaxAbsDiff(vae.EncodeLatents(image, scaled: false), mean), Is.EqualTo(0.0));
        var viaFunc = vae.AsLatentEncoder()(image);
        Assert.That(MaxAbsDiff(viaFunc, mean), Is.EqualTo(0.0));
        Assert.That(viaFunc.requires_grad, Is.False);
    }

    [Test]
    public void LogVarIsClampedAsTheSdPosteriorDoes()
    {
        using var f = Open();
        var weights = Weights(f);
        using var scope = NewDisposeScope();
        // Push quant_conv's logvar rows far out so both clamps bind.
        var qb = weights["quant_conv.bias"].clone();
        qb[4] = tensor(1000f);
        qb[5] = tensor(-1000f);
        weights["quant_conv.bias"] = qb;
        using var vae = AutoencoderKL.Load(weights, TinyConfig);
        using var _ = no_grad();
        var (_, logvar) = vae.Encode(f["input.image"]);
        Assert.That(logvar[.., 0].max().item<float>(), Is.EqualTo(20f));
        Assert.That(logvar[.., 1].min().item<float>(), Is.EqualTo(-30f));
    }
}
