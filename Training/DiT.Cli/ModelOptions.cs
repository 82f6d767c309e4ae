using System;
using System.CommandLine;
using DiT.Training.Model;

namespace DiT.Cli;

/// <summary>Options that describe a model shape, shared by the commands that build one.</summary>
internal sealed class ModelOptions
{
    public Option<string> Model { get; }
    public Option<int?> Depth { get; } = new Option<int?>("--depth") { Description = "Custom depth (overrides the named config)." }.InRange(1, 512);
    public Option<int?> Hidden { get; } = new Option<int?>("--hidden") { Description = "Custom hidden size." }.InRange(8, 16384);
    public Option<int?> Heads { get; } = new Option<int?>("--heads") { Description = "Custom number of heads." }.InRange(1, 1024);
    public Option<int?> Patch { get; } = new Option<int?>("--patch") { Description = "Custom patch size." }.InRange(1, 64);
    public Option<BlockType> Block { get; } = BlockOption();
    public Option<bool> FixedSigma { get; } = new("--fixed-sigma") { Description = "Do not learn the variance (out channels = in channels)." };

    public ModelOptions(string defaultModel = "DiT-S/4") =>
        Model = new("--model") { Description = "DiT-S/B/L/XL x /2,/4,/8, or 'custom' with --depth/--hidden/--heads/--patch.", DefaultValueFactory = _ => defaultModel };

    /// <summary>--clip-denoised true|false; absent = the checkpoint's convention (pixel models clip, latent models don't).</summary>
    public static Option<bool?> ClipDenoisedOption() => new("--clip-denoised")
    {
        Description = "Clamp the predicted x0 to [-1, 1] at each step (true|false). Default: the checkpoint's convention: true for pixel models, false for latent ones (as DiT's sample.py).",
        Arity = ArgumentArity.ExactlyOne,
    };

    /// <summary>
    /// --default-sampler and --default-cfg: model.json's sampling.sampler and sampling.cfgScale, the settings the
    /// Plugin, texturegen and the Unity window sample with unless told otherwise. Choose them with `dit eval`.
    /// </summary>
    public static (Option<string> Sampler, Option<double?> CfgScale) PackageSamplingOptions() =>
    (
        new Option<string>("--default-sampler") { Description = "The package's default sampler and steps (dpmN, ddimN or ddpmN, e.g. dpm25; model.json sampling.sampler). Default: the Plugin's own (dpm25)." }.SamplerSpecs(),
        new Option<double?>("--default-cfg") { Description = "The package's default guidance scale (model.json sampling.cfgScale). Default: the Plugin's own (4)." }.Finite(0, DiTPlugin.Contract.Package.PackageFormat.MaxCfgScale)
    );

    public static Option<BlockType> BlockOption() => new("--block")
    {
        Description = "Conditioning design: AdaLNZero (paper default), AdaLN, CrossAttention, InContext.",
        DefaultValueFactory = _ => BlockType.AdaLNZero,
    };

    public void AddTo(Command cmd)
    {
        cmd.Options.Add(Model); cmd.Options.Add(Depth); cmd.Options.Add(Hidden); cmd.Options.Add(Heads);
        cmd.Options.Add(Patch); cmd.Options.Add(Block); cmd.Options.Add(FixedSigma);
    }

    public DiTConfig Build(ParseResult r, int inputSize, int inChannels, int numClasses)
    {
        var name = r.GetValue(Model)!;
        var baseCfg = name.Equals("custom", StringComparison.OrdinalIgnoreCase)
            ? new DiTConfig { Depth = 6, HiddenSize = 256, NumHeads = 4, PatchSize = 2 }
            : DiTConfig.FromName(name);
        return (baseCfg with
        {
            Depth = r.GetValue(Depth) ?? baseCfg.Depth,
            HiddenSize = r.GetValue(Hidden) ?? baseCfg.HiddenSize,
            NumHeads = r.GetValue(Heads) ?? baseCfg.NumHeads,
            PatchSize = r.GetValue(Patch) ?? baseCfg.PatchSize,
            Block = r.GetValue(Block),
            LearnSigma = !r.GetValue(FixedSigma),
            InputSize = inputSize, InChannels = inChannels, NumClasses = numClasses,
        }).Validate();
    }
}
