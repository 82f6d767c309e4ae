using System.Collections.Generic;
using System.Linq;
using DiT.Training.Diffusion;
using NUnit.Framework;
using static TorchSharp.torch;

namespace DiT.Training.Tests.Diffusion;

/// <summary>
/// The spaced chain GaussianDiffusion builds from ADM's space_timesteps (the index arithmetic itself is tested in
/// DiTPlugin.Contract.Tests).
/// </summary>
public class RespacingTests
{
    [Test]
    public void SpacedChainKeepsAlphasCumprodAndMapsTimesteps()
    {
        using var baseDiff = GaussianDiffusion.Create();
        using var spaced = GaussianDiffusion.Create("ddim50");
        Assert.That(spaced.NumTimesteps, Is.EqualTo(50));
        Assert.That(spaced.TimestepMap, Is.EqualTo(Enumerable.Range(0, 50).Select(i => 20 * i).ToArray()));
        for (int i = 0; i < 50; i++)
            Assert.That(spaced.Schedule.AlphasCumprod[i], Is.EqualTo(baseDiff.Schedule.AlphasCumprod[20 * i]).Within(1e-13), $"i={i}");
        Assert.That(spaced.Schedule.Betas[0], Is.EqualTo(1e-4).Within(1e-15));
        Assert.That(spaced.Schedule.Betas[1], Is.EqualTo(1 - baseDiff.Schedule.AlphasCumprod[20] / baseDiff.Schedule.AlphasCumprod[0]).Within(1e-15));
    }

    [Test]
    public void ModelReceivesOriginalTimesteps()
    {
        using var spaced = GaussianDiffusion.Create("ddim10", learnSigma: false);
        var seen = new List<long>();
        DenoiseFn spy = (x, t) =>
        {
            var ts = t.data<long>().ToArray();
            Assert.That(ts.Distinct().Count(), Is.EqualTo(1));
            Assert.That(t.dtype, Is.EqualTo(ScalarType.Int64));
            seen.Add(ts[0]);
            return zeros_like(x);
        };
        using var sample = spaced.DdimSampleLoop(spy, new long[] { 2, 1, 2, 2 }, generator: new Generator(1));
        Assert.That(seen, Is.EqualTo(new long[] { 900, 800, 700, 600, 500, 400, 300, 200, 100, 0 }));

        seen.Clear();
        using var x0 = zeros(2, 1, 2, 2);
        using var idx = tensor(new long[] { 3, 3 });
        using var losses = spaced.TrainingLosses(spy, x0, idx, noise: zeros(2, 1, 2, 2));
        Assert.That(seen, Is.EqualTo(new long[] { 300 }));
    }
}
