using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace DiT.Training.Model;

/// <summary>The transformer MLP: fc1, GELU (tanh approximation, as DiT uses), fc2.</summary>
public sealed class Mlp : Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Linear fc2;

    public Mlp(int dim, int hidden) : base(nameof(Mlp))
    {
        fc1 = Linear(dim, hidden, hasBias: true);
        fc2 = Linear(hidden, dim, hasBias: true);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc2.forward(functional.gelu(fc1.forward(x), TorchSharp.Modules.GELU.Approximate.tanh)).MoveToOuterDisposeScope();
    }
}
