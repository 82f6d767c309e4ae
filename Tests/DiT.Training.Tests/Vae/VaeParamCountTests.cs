using System.Linq;
using DiT.Training.Vae;
using NUnit.Framework;

namespace DiT.Training.Tests.Vae;

/// <summary>The SD config builds exactly the SD VAE: 83,653,863 parameters, counted from the architecture here too.</summary>
public class VaeParamCountTests
{
    // Closed-form counts from the module list (Conv k×k: in·out·k² + out; GroupNorm: 2C; attention: GroupNorm + 4 Linear(C, C)).
    private static long Conv(long i, long o, long k) => i * o * k * k + o;
    private static long Norm(long c) => 2 * c;
    private static long Resnet(long i, long o) => Norm(i) + Conv(i, o, 3) + Norm(o) + Conv(o, o, 3) + (i != o ? Conv(i, o, 1) : 0);
    private static long Mid(long c) => 2 * Resnet(c, c) + Norm(c) + 4 * (c * c + c);

    private static (long Encoder, long Decoder, long Quant) Analytic(VaeConfig cfg)
    {
        var ch = cfg.BlockOutChannels.Select(c => (long)c).ToArray();
        int n = ch.Length, layers = cfg.LayersPerBlock;
        long enc = Conv(cfg.InChannels, ch[0], 3), prev = ch[0];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < layers; j++) enc += Resnet(j == 0 ? prev : ch[i], ch[i]);
            prev = ch[i];
            if (i < n - 1) enc += Conv(ch[i], ch[i], 3);
        }
        enc += Mid(ch[^1]) + Norm(ch[^1]) + Conv(ch[^1], 2 * cfg.LatentChannels, 3);
        var rev = ch.Reverse().ToArray();
        long dec = Conv(cfg.LatentChannels, rev[0], 3) + Mid(rev[0]);
        prev = rev[0];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < layers + 1; j++) dec += Resnet(j == 0 ? prev : rev[i], rev[i]);
            prev = rev[i];
            if (i < n - 1) dec += Conv(rev[i], rev[i], 3);
        }
        dec += Norm(rev[^1]) + Conv(rev[^1], cfg.OutChannels, 3);
        return (enc, dec, Conv(2 * cfg.LatentChannels, 2 * cfg.LatentChannels, 1) + Conv(cfg.LatentChannels, cfg.LatentChannels, 1));
    }

    [Test]
    public void StableDiffusionVaeHasTheKnownParameterCount()
    {
        using var vae = new AutoencoderKL(VaeConfig.StableDiffusion);
        var (e, d, q, total) = vae.ParameterCounts();
        TestContext.Out.WriteLine($"SD VAE: encoder {e:N0}, decoder {d:N0}, quant convs {q:N0}, total {total:N0}");
        Assert.That(total, Is.EqualTo(83_653_863L));
        Assert.That(e, Is.EqualTo(34_163_592L));
        Assert.That(d, Is.EqualTo(49_490_179L));
        Assert.That(q, Is.EqualTo(72L + 20L));
        Assert.That((e, d, q), Is.EqualTo(Analytic(VaeConfig.StableDiffusion)));
        Assert.That(vae.state_dict().Count, Is.EqualTo(248), "tensors: encoder 106, decoder 138, quant_conv + post_quant_conv 4");
    }

    [Test]
    public void TinyConfigsMatchTheClosedForm(
        [Values(1, 2)] int layers, [Values(1, 2, 3)] int blocks)
    {
        var cfg = new VaeConfig { BlockOutChannels = new[] { 8, 16, 16 }.Take(blocks).ToArray(), LayersPerBlock = layers, NormGroups = 4 };
        using var vae = new AutoencoderKL(cfg);
        var (e, d, q, _) = vae.ParameterCounts();
        Assert.That((e, d, q), Is.EqualTo(Analytic(cfg)));
    }
}
