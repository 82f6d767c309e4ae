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
    private readonly Tensor masterWeights, masterGradients;
    private readonly FlatBuffer weights, gradients;   // the bf16 copy's parameters and gradients, each one flat tensor
    public DiTModel Compute { get; }

    /// <param name="masterWeights">The master parameters as one flat fp32 tensor, in parameter order (<see cref="FlatBuffer"/>).</param>
    /// <param name="masterGradients">Their gradients, laid out alike (<see cref="FusedAdamW.GradientsFlat"/>).</param>
    /// <param name="blockRunner">How the bf16 copy runs its blocks (see <see cref="TrainingBlockRunner"/>).</param>
    public MixedPrecision(DiTModel master, Tensor masterWeights, Tensor masterGradients, BlockRunner? blockRunner = null)
    {
        Compute = new DiTModel(master.Config) { BlockRunner = blockRunner };
        Compute.to(ScalarType.BFloat16);
        if (!master.named_parameters().Select(p => p.name).SequenceEqual(Compute.named_parameters().Select(p => p.name)))
            throw new System.ArgumentException("The bf16 copy's parameters are not in the master's order.");
        var parameters = Compute.parameters().ToList();
        weights = FlatBuffer.Adopt(parameters.Cast<Tensor>().ToList());
        if (weights.Flat.numel() != masterWeights.numel()) throw new System.ArgumentException("The flat master weights do not match the model.");
        gradients = FlatBuffer.ZerosLike(weights.Views);
        for (int i = 0; i < parameters.Count; i++) parameters[i].grad = gradients.Views[i];
        (this.masterWeights, this.masterGradients) = (masterWeights, masterGradients);
    }

    /// <summary>Before the forward pass: master weights rounded to bf16, in one copy.</summary>
    public void LoadWeights()
    {
        using var _ = no_grad();
        weights.Flat.copy_(masterWeights);
    }

    /// <summary>After backward: the bf16 gradients, widened, become the master gradients; the bf16 ones are zeroed.</summary>
    public void StoreGradients()
    {
        using var _ = no_grad();
        masterGradients.copy_(gradients.Flat);
        gradients.Flat.zero_();
    }

    public void Dispose()
    {
        Compute.Dispose();
        weights.Dispose();
        gradients.Dispose();
    }
}
