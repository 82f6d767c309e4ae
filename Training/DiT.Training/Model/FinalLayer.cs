using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>
/// LayerNorm, then Linear(D, p*p*out) per token. The adaLN designs modulate the norm from c (adaLN_modulation,
/// zero-initialised for adaLN-Zero, per BlockDesign.ZeroInit); the in-context and cross-attention designs use a plain affine LayerNorm.
/// </summary>
public sealed class FinalLayer : Module<Tensor, Tensor, Tensor>
{
    private readonly LayerNorm norm_final;
    private readonly Linear linear;
    private readonly Sequential? adaLN_modulation;

    public FinalLayer(int dim, int patchSize, int outChannels, bool adaptive) : base(nameof(FinalLayer))
    {
        norm_final = LayerNorm(dim, eps: 1e-6, elementwise_affine: !adaptive);
        linear = Linear(dim, patchSize * patchSize * outChannels, hasBias: true);
        if (adaptive) adaLN_modulation = Sequential(("0", SiLU()), ("1", Linear(dim, BlockDesign.FinalModulationChunks * dim)));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x, Tensor c)
    {
        using var scope = NewDisposeScope();
        var h = norm_final.forward(x);
        if (adaLN_modulation is not null)
        {
            var m = adaLN_modulation.forward(c).chunk(BlockDesign.FinalModulationChunks, dim: 1);
            Tensor shift = m[0], scale = m[1];
            h = Model.Modulation.Modulate(h, shift, scale);
        }
        return linear.forward(h).MoveToOuterDisposeScope();
    }
}
