using System;
using System.Collections.Generic;
using System.Linq;
using DiT.Training.Model;
using DiT.Training.Model.Blocks;
using DiTPlugin.TestSupport;
using NUnit.Framework;
using TorchSharp;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Model;

public class DiTModelTests
{
    private static readonly BlockType[] AllBlocks = Enum.GetValues<BlockType>();

    private static DiTConfig Tiny(BlockType block = BlockType.AdaLNZero, bool learnSigma = true) => new()
    {
        Depth = 2, HiddenSize = 32, NumHeads = 4, PatchSize = 2, InputSize = 8, InChannels = 3, NumClasses = 5,
        LearnSigma = learnSigma, Block = block,
    };

    private static (Tensor x, Tensor t, Tensor y) Inputs(DiTConfig c, int batch, long seed = 0)
    {
        var g = new Generator((ulong)seed);
        var x = randn(new long[] { batch, c.InChannels, c.InputSize, c.InputSize }, generator: g);
        var t = randint(0, 1000, new long[] { batch }, generator: g, dtype: int64);
        var y = randint(0, c.NumClasses, new long[] { batch }, generator: g, dtype: int64);
        return (x, t, y);
    }

    [Test]
    public void EveryNamedConfigAndBlockDesignGivesTheRightOutputShape(
        [ValueSource(typeof(DiTConfig), nameof(DiTConfig.Names))] string name,
        [ValueSource(nameof(AllBlocks))] BlockType block)
    {
        // Depth 1 keeps 48 combinations fast; every per-layer shape is that of the full config.
        var cfg = DiTConfig.FromName(name, inputSize: 32) with { Depth = 1, Block = block };
        using var model = new DiTModel(cfg);
        using var scope = NewDisposeScope();
        var (x, t, y) = Inputs(cfg, 1);
        using var _ = no_grad();
        var outp = model.forward(x, t, y);
        Assert.That(outp.shape, Is.EqualTo(new long[] { 1, 8, 32, 32 }));
        var sd = model.state_dict();
        var (depth, hidden, _) = DiTConfig.Sizes[name.Split('-', '/')[1]];
        Assert.That(sd["x_embedder.proj.weight"].shape, Is.EqualTo(new long[] { hidden, 4, cfg.PatchSize, cfg.PatchSize }));
        Assert.That(sd["pos_embed"].shape, Is.EqualTo(new long[] { 1, cfg.NumPatches, hidden }));
        Assert.That(sd["final_layer.linear.weight"].shape,
            Is.EqualTo(new long[] { cfg.PatchSize * cfg.PatchSize * 8, hidden }));
        Assert.That(sd["blocks.0.attn.qkv.weight"].shape, Is.EqualTo(new long[] { 3 * hidden, hidden }));
        Assert.That(sd["blocks.0.mlp.fc1.weight"].shape, Is.EqualTo(new long[] { 4 * hidden, hidden }));
    }

    [Test]
    public void StateDictKeysAreExactlyTheOfficialCheckpointKeys()
    {
        using var model = new DiTModel(Tiny());
        var expected = new List<string>
        {
            "x_embedder.proj.weight", "x_embedder.proj.bias",
            "t_embedder.mlp.0.weight", "t_embedder.mlp.0.bias", "t_embedder.mlp.2.weight", "t_embedder.mlp.2.bias",
            "y_embedder.embedding_table.weight", "pos_embed",
            "final_layer.linear.weight", "final_layer.linear.bias",
            "final_layer.adaLN_modulation.1.weight", "final_layer.adaLN_modulation.1.bias",
        };
        for (int i = 0; i < 2; i++)
            foreach (var k in new[] { "attn.qkv", "attn.proj", "mlp.fc1", "mlp.fc2", "adaLN_modulation.1" })
                expected.AddRange(new[] { $"blocks.{i}.{k}.weight", $"blocks.{i}.{k}.bias" });
        Assert.That(model.state_dict().Keys, Is.EquivalentTo(expected));
        Assert.That(model.state_dict()["y_embedder.embedding_table.weight"].shape[0], Is.EqualTo(6), "num_classes + 1 rows");
        Assert.That(model.named_parameters().Select(p => p.name), Does.Not.Contain("pos_embed"), "pos_embed is fixed");
    }

    [Test]
    public void AdaLNZeroModelIsTheIdentityAtInitAndOutputsZero()
    {
        var cfg = Tiny();
        using var model = new DiTModel(cfg);
        using var scope = NewDisposeScope();
        var (x, t, y) = Inputs(cfg, 3);
        using var _ = no_grad();
        Assert.That(model.forward(x, t, y).abs().max().item<float>(), Is.EqualTo(0f), "the final layer is zero-initialised");
        foreach (var (name, m) in model.named_modules().Where(m => m.name.StartsWith("blocks.") && m.name.Count(ch => ch == '.') == 1))
        {
            var block = (DiTBlockBase)m;
            var tokens = randn(3, cfg.NumPatches, cfg.HiddenSize);
            var cond = new Conditioning(randn(3, cfg.HiddenSize), randn(3, 2, cfg.HiddenSize));
            Assert.That(block.forward(tokens, cond).sub(tokens).abs().max().item<float>(), Is.EqualTo(0f), name);
        }
    }

    [Test]
    public void InitialisationFollowsThePaper()
    {
        using var model = new DiTModel(Tiny() with { HiddenSize = 256, NumHeads = 4 });
        var p = model.state_dict();
        Assert.That(p["blocks.1.adaLN_modulation.1.weight"].abs().max().item<float>(), Is.Zero);
        Assert.That(p["final_layer.adaLN_modulation.1.bias"].abs().max().item<float>(), Is.Zero);
        Assert.That(p["y_embedder.embedding_table.weight"].std().item<float>(), Is.EqualTo(0.02f).Within(0.002f));
        Assert.That(p["t_embedder.mlp.0.weight"].std().item<float>(), Is.EqualTo(0.02f).Within(0.002f));
        // xavier-uniform: U(-a, a) with a = sqrt(6 / (fan_in + fan_out)), so std = a / sqrt(3).
        var qkv = p["blocks.0.attn.qkv.weight"];
        double a = Math.Sqrt(6.0 / (256 + 768));
        // The draw is float32 with the bound rounded to float32, which can lie just above a: a max exactly at the
        // bound (about 1 run in 100, depending on the RNG state earlier tests leave) is in range.
        Assert.That(qkv.abs().max().item<float>(), Is.LessThanOrEqualTo((float)a));
        Assert.That(qkv.std().item<float>(), Is.EqualTo(a / Math.Sqrt(3)).Within(0.02 * a));
        Assert.That(p["blocks.0.attn.qkv.bias"].abs().max().item<float>(), Is.Zero);
    }

    [Test]
    public void PositionEmbeddingMatchesHandComputedValues()
    {
        const int dim = 8, grid = 3;
        var table = PositionEmbedding.SinCos2D(dim, grid);
        // Token 5 = row 1, col 2. Column half: [sin(2), sin(2/100), cos(2), cos(2/100)]; row half with pos 1.
        var token5 = table.Skip(5 * dim).Take(dim).ToArray();
        var expected = new[] { Math.Sin(2), Math.Sin(0.02), Math.Cos(2), Math.Cos(0.02),
                               Math.Sin(1), Math.Sin(0.01), Math.Cos(1), Math.Cos(0.01) };
        Assert.That(token5, Is.EqualTo(expected.Select(v => (float)v).ToArray()).Within(1e-6f));
    }

    [Test]
    public void TimestepFeaturesAreCosThenSin()
    {
        using var t = tensor(new long[] { 0, 3 });
        using var f = TimestepEmbedder.Sinusoidal(t, dim: 4, maxPeriod: 10000);
        var v = f.data<float>().ToArray();
        // half = 2: freqs = [1, exp(-ln(1e4)/2) = 0.01]
        Assert.That(v, Is.EqualTo(new[] { 1f, 1f, 0f, 0f,
            (float)Math.Cos(3), (float)Math.Cos(0.03), (float)Math.Sin(3), (float)Math.Sin(0.03) }).Within(1e-6f));
    }

    [Test]
    public void UnpatchifyPlacesEachPatchValueWhereTheLoopSays()
    {
        var cfg = Tiny(learnSigma: false) with { InputSize = 6, PatchSize = 3 };
        using var model = new DiTModel(cfg);
        int p = 3, g = 2, c = 3;
        using var x = randn(2, g * g, p * p * c);
        using var img = model.Unpatchify(x);
        var xs = x.data<float>().ToArray();
        var im = img.data<float>().ToArray();
        for (int b = 0; b < 2; b++)
            for (int ch = 0; ch < c; ch++)
                for (int h = 0; h < g; h++)
                    for (int w = 0; w < g; w++)
                        for (int i = 0; i < p; i++)
                            for (int j = 0; j < p; j++)
                            {
                                float want = xs[((b * g * g) + h * g + w) * p * p * c + (i * p + j) * c + ch];
                                float got = im[((b * c + ch) * 6 + h * p + i) * 6 + w * p + j];
                                Assert.That(got, Is.EqualTo(want));
                            }
    }

    [Test]
    public void InContextDropsTheConditionTokensAndConditionsOnThem([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        var cfg = Tiny(block);
        using var model = new DiTModel(cfg);
        using var scope = NewDisposeScope();
        using (no_grad()) foreach (var prm in model.parameters()) prm.add_(randn_like(prm) * 0.05);   // leave the zero init
        var (x, t, y) = Inputs(cfg, 2);
        using var _ = no_grad();
        var a = model.forward(x, t, y);
        var b = model.forward(x, t, (y + 1) % cfg.NumClasses);
        Assert.That(a.shape, Is.EqualTo(new long[] { 2, 6, 8, 8 }));
        Assert.That(a.sub(b).abs().max().item<float>(), Is.GreaterThan(1e-6f), $"{block}: the label must change the output");
    }

    [Test]
    public void CfgGuidesTheChosenChannelsAndPassesTheRestThrough()
    {
        var cfg = Tiny() with { InChannels = 4 };
        using var model = new DiTModel(cfg);
        using var scope = NewDisposeScope();
        using (no_grad()) foreach (var prm in model.parameters()) prm.add_(randn_like(prm) * 0.05);
        var (x, t, y) = Inputs(cfg, 2);
        using var _ = no_grad();
        var nulls = full_like(y, cfg.NumClasses);
        var cond = model.forward(x, t, y);
        var uncond = model.forward(x, t, nulls);
        var xx = cat(new[] { x, x }, 0);
        var tt = cat(new[] { t, t }, 0);
        var yy = cat(new[] { y, nulls }, 0);
        var guided = model.ForwardWithCfg(xx, tt, yy, 4.0, guidedChannels: 3);
        var want = uncond[.., ..3] + (cond[.., ..3] - uncond[.., ..3]) * 4.0;
        Assert.That(guided[..2, ..3].sub(want).abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That(guided[2.., ..3].sub(want).abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That(guided[..2, 3..].sub(cond[.., 3..]).abs().max().item<float>(), Is.LessThan(1e-5f), "4th eps channel and variance: conditional");
        var one = model.ForwardWithCfg(xx, tt, yy, 1.0);
        Assert.That(one[..2].sub(cond).abs().max().item<float>(), Is.LessThan(1e-5f), "scale 1 is the conditional model");
    }

    [Test]
    public void BlockRunnerRunsEveryBlockOnceInOrderAndReplacesThePlainCall([ValueSource(nameof(AllBlocks))] BlockType block)
    {
        var cfg = Tiny(block) with { Depth = 3 };
        using var model = new DiTModel(cfg);
        using var scope = NewDisposeScope();
        using (no_grad()) foreach (var prm in model.parameters()) prm.add_(randn_like(prm) * 0.05);
        var (x, t, y) = Inputs(cfg, 2);
        using var _ = no_grad();
        var plain = model.forward(x, t, y);
        var calls = new List<(int Index, DiTBlockBase Block, long Tokens, bool HasTokens)>();
        model.BlockRunner = (i, b, tokens, cond) =>
        {
            calls.Add((i, b, tokens.shape[1], cond.Tokens is not null));
            return b.forward(tokens, cond);
        };
        var run = model.forward(x, t, y);
        var blocks = model.named_children().Single(c => c.name == "blocks").module.children().ToArray();
        Assert.That(calls.Select(c => c.Index), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(calls.Select(c => c.Block), Is.EqualTo(blocks), "each call gets the model's own block");
        var design = BlockDesign.For(block);
        Assert.That(calls.Select(c => c.Tokens), Is.All.EqualTo(cfg.NumPatches + design.AppendedTokens));
        Assert.That(calls.Select(c => c.HasTokens), Is.All.EqualTo(design.ReadsConditionTokens), "condition tokens only where the design reads them");
        Assert.That(run.equal(plain).all().item<bool>(), "a runner that calls the block gives the plain forward bit for bit");
        model.BlockRunner = (i, b, tokens, cond) => i == 1 ? tokens : b.forward(tokens, cond);
        Assert.That(model.forward(x, t, y).equal(plain).all().item<bool>(), Is.False, "the runner's result is what the next block gets");
    }

    [Test]
    public void TheModelKnowsNothingOfTheTrainerOrTheSampler()
    {
        // The network is the paper's; how a trainer records its graph (checkpointing, data-parallel marks) and how a
        // sampler calls it (labels, guidance: DenoiseFn) live with them; the trainer reaches the model only through BlockRunner.
        var folder = RepoPaths.Find("Training/DiT.Training/Model");
        var forbidden = new[] { "Training.Trainer", "Training.Distributed", "Training.Diffusion", "BackwardSignal", "Bucket",
                                "CheckpointedBlock", "ActivationCheckpointing", "DenoiseFn", "DataParallel" };
        var found = System.IO.Directory.GetFiles(folder, "*.cs", System.IO.SearchOption.AllDirectories)
            .SelectMany(f => System.IO.File.ReadLines(f).Select((line, n) => (f, n, line)))
            .Where(l => forbidden.Any(w => l.line.Contains(w, StringComparison.Ordinal)))
            .Select(l => $"{System.IO.Path.GetRelativePath(folder, l.f)}:{l.n + 1}: {l.line.Trim()}").ToArray();
        Assert.That(found, Is.Empty);
        Assert.That(typeof(DiTModel).GetProperties().Select(p => p.PropertyType.Namespace), Is.All.Not.Contain(".Trainer").And.All.Not.Contain(".Distributed").And.All.Not.Contain(".Diffusion"));
    }

    [Test]
    public void WrongInputShapeNamesTheExpectedShape()
    {
        using var model = new DiTModel(Tiny());
        using var x = zeros(1, 1, 8, 8);
        using var t = zeros(1, dtype: int64);
        var ex = Assert.Throws<ArgumentException>(() => model.forward(x, t, t));
        Assert.That(ex!.Message, Does.Contain("(B, 3, 8, 8)"));
    }

    [Test]
    public void UnknownConfigNameListsTheValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => DiTConfig.FromName("DiT-M/3"));
        Assert.That(ex!.Message, Does.Contain("DiT-XL/2"));
        Assert.That(DiTConfig.FromName("dit-b/4").HiddenSize, Is.EqualTo(768));
    }
}

public class DiTParamCountTests
{
    [Test]
    public void ModuleParameterCountEqualsTheAnalyticCount([Values] BlockType block, [Values("DiT-S/2", "DiT-B/8")] string name)
    {
        var cfg = DiTConfig.FromName(name, inputSize: 32) with { Block = block, Depth = 2 };
        using var model = new DiTModel(cfg);
        long real = model.parameters().Sum(p => p.numel());
        Assert.That(real, Is.EqualTo(ParamCount.Trainable(cfg)));
        Assert.That(model.state_dict()["pos_embed"].numel(), Is.EqualTo(ParamCount.Count(cfg).PosEmbed));
    }
}
