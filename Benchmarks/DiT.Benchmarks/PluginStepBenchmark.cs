using System;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using DiT.Training.Export;

namespace DiTPlugin.Benchmarks;

/// <summary>
/// What a game pays per frame: one <see cref="GenerationJob.Step(TimeSpan)"/> with a zero budget runs exactly one
/// denoising step of the shipped runtime — one ONNX Runtime (CPU) run of the exported DiT-S/2 graph with
/// classifier-free guidance inside (batch 1 doubled to 2: conditional + null class), plus the C# DDIM update.
/// This is the number that decides how many steps fit in a frame budget; fp32, fp16 and int8 graphs are compared
/// because packages may ship all three (<see cref="DiTOptions.Precision"/>).
/// </summary>
[MemoryDiagnoser]
public class PluginStepBenchmark
{
    public enum GraphPrecision { Fp32, Fp16, Int8 }

    [Params(GraphPrecision.Fp32, GraphPrecision.Fp16, GraphPrecision.Int8)]
    public GraphPrecision Precision { get; set; }

    private string _dir = "";
    private DiT? _dit;
    private GenerationJob? _job;

    [GlobalSetup]
    public void Setup()
    {
        // Export a package holding only the graph under test, so the loader cannot pick the other one.
        _dir = Path.Combine(Path.GetTempPath(), "ditbench-" + Guid.NewGuid().ToString("N"));
        var cfg = BenchModel.Config;
        using (var model = BenchModel.Create())
        {
            bool fp16 = Precision == GraphPrecision.Fp16;
            ModelPackageWriter.Write(_dir, new ModelPackageRequest
            {
                Config = cfg,
                Weights = model.state_dict(),
                ClassNames = Enumerable.Range(0, cfg.NumClasses).Select(i => i.ToString()).ToList(),
                Name = "bench",
                Batch = 1,
                IncludeFp32 = !fp16,
                IncludeFp16 = fp16,
                IncludeInt8 = Precision == GraphPrecision.Int8,   // beside the fp32 graph it is made from
            });
        }
        _dit = DiT.Load(_dir, new DiTOptions
        {
            ExecutionProvider = ExecutionProvider.Cpu,
            PreferFp16 = Precision == GraphPrecision.Fp16,
            Precision = Precision switch { GraphPrecision.Fp16 => Contract.Package.Precision.Fp16, GraphPrecision.Int8 => Contract.Package.Precision.Int8, _ => Contract.Package.Precision.Fp32 },
        });
        // ORT's first Run allocates its arena and plans the graph: do it here, outside the measurement.
        NewJob().Step(TimeSpan.Zero);
    }

    private GenerationJob NewJob() => _dit!.CreateJob(new GenerationOptions
    {
        ClassIds = new[] { BenchModel.ClassId },
        Steps = 1000,
        CfgScale = BenchModel.CfgScale,
        Sampler = SamplerKind.Ddim,
    });

    // A fresh job each iteration, so every measured call is a first step of a 1000-step chain (never the last step,
    // which would add the completion's image conversion). The job's start-up noise fill is included: 4096 Gaussians.
    [IterationSetup]
    public void NewJobPerIteration() => _job = NewJob();

    /// <summary>Exactly one denoising step: a zero budget always runs one step and never a second.</summary>
    [Benchmark]
    public int PluginStep() => _job!.Step(TimeSpan.Zero);

    [GlobalCleanup]
    public void Cleanup()
    {
        _dit?.Dispose();
        _dit = null;
        try { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
