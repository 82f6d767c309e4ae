using TorchSharp.Modules;
using static TorchSharp.torch;

namespace DiT.Training.Vae;

internal static class VaeLayers
{
    /// <summary>
    /// GroupNorm(config.NormGroups, channels, config.NormEps) with its affine set to the identity (weight 1, bias 0),
    /// as PyTorch initialises it. TorchSharp 0.107's GroupNorm leaves both parameters uninitialised (we saw 1e23 and
    /// NaN in a fresh model), so a VAE built and not loaded would otherwise compute garbage.
    /// </summary>
    public static GroupNorm GroupNorm(int channels, VaeConfig config)
    {
        var gn = nn.GroupNorm(config.NormGroups, channels, eps: config.NormEps, affine: true);
        using var _ = no_grad();
        nn.init.ones_(gn.weight!);
        nn.init.zeros_(gn.bias!);
        return gn;
    }
}
