using BenchmarkDotNet.Attributes;
using DiT.Training.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// The same network step in Training's TorchSharp (libtorch CPU): <c>DiTModel.ForwardWithCfg</c> under no_grad for one
/// image doubled to a batch of 2 (conditional + null class), guidance scale 4 — the work of one PluginStep without
/// the sampler. It is the reference for how fast the exported ONNX graph runs against the framework it was trained
/// in, and shows what bf16 weights and activations buy (or cost) on this CPU.
/// </summary>
[MemoryDiagnoser]
public class TorchSharpForwardBenchmark
{
    public enum TorchPrecision { Fp32, Bf16 }

    [Params(TorchPrecision.Fp32, TorchPrecision.Bf16)]
    public TorchPrecision Precision { get; set; }

    private DiTModel? _model;
    private Tensor? _x2, _t2, _y2;

    [GlobalSetup]
    public void Setup()
    {
        _model = BenchModel.Create();
        var cfg = _model.Config;
        var dtype = Precision == TorchPrecision.Bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        if (dtype != ScalarType.Float32) _model.to(dtype);
        using var g = new Generator(1);
        // ForwardWithCfg uses the first half of x for both halves; the labels are [class, null].
        _x2 = randn(new long[] { 2, cfg.InChannels, cfg.InputSize, cfg.InputSize }, generator: g).to(dtype);
        _t2 = tensor(new float[] { 999f, 999f });
        _y2 = tensor(new long[] { BenchModel.ClassId, cfg.NumClasses });
        Forward().Dispose();   // warm-up: libtorch's allocator, thread pool and kernel selection
    }

    private Tensor Forward()
    {
        using var _ = no_grad();
        return _model!.ForwardWithCfg(_x2!, _t2!, _y2!, BenchModel.CfgScale);
    }

    /// <summary>One guided forward (batch 2); the output tensor is disposed inside the measurement.</summary>
    [Benchmark]
    public long TorchSharpForwardWithCfg()
    {
        using var eps = Forward();
        return eps.shape[0];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _x2?.Dispose(); _t2?.Dispose(); _y2?.Dispose();
        _model?.Dispose();
        _model = null;
    }
}
