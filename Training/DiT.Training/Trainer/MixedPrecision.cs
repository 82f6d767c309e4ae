using System.Collections.Generic;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Model.Blocks;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Trainer;

/// <summary>
/// bf16 compute with fp32 master weights. TorchSharp has no autocast, so a bf16 copy of the network runs forward
/// and backward; its gradients are copied into the fp32 master parameters, which the optimizer and EMA own.
/// bf16 keeps fp32's exponent range, so no loss scaling is needed.
/// </summary>
public sealed class MixedPrecision : System.IDisposable
{
    private readonly List<(Tensor master, Tensor compute)> pairs;
    public DiTModel Compute { get; }

    /// <param name="blockRunner">How the bf16 copy runs its blocks (see <see cref="TrainingBlockRunner"/>).</param>
    public MixedPrecision(DiTModel master, BlockRunner? blockRunner = null)
    {
        Compute = new DiTModel(master.Config) { BlockRunner = blockRunner };
        Compute.to(ScalarType.BFloat16);
        var byName = master.named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        pairs = Compute.named_parameters().Select(p => (byName[p.name], (Tensor)p.parameter)).ToList();
    }

    /// <summary>Before the forward pass: master weights rounded to bf16.</summary>
    public void LoadWeights()
    {
        using var _ = no_grad();
        foreach (var (m, c) in pairs) c.copy_(m);
    }

    /// <summary>After backward: the bf16 gradients, widened, become the master gradients.</summary>
    public void StoreGradients()
    {
        using var _ = no_grad();
        foreach (var (m, c) in pairs)
        {
            if (c.grad is null) continue;
            var g = c.grad.to(float32);
            if (m.grad is null) m.grad = g;
            else { m.grad.copy_(g); g.Dispose(); }
        }
        Compute.zero_grad();
    }

    public void Dispose() => Compute.Dispose();
}
