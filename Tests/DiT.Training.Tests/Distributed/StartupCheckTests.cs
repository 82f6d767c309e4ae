using DiT.Training.Distributed;
using NUnit.Framework;

namespace DiT.Training.Tests.Distributed;

public class StartupCheckTests
{
    private static readonly (string, long)[] Fields =
    {
        ("world size", 2), ("dtype", (long)TorchSharp.torch.ScalarType.Float32), ("parameter count", 1000), ("model config hash", 0x1234),
    };

    [Test]
    public void AgreeingRanksPass() =>
        Assert.That(() => StartupCheck.Verify(new FakeCommunicator(0, 2), Fields), Throws.Nothing);

    [Test]
    public void AMismatchNamesTheFieldTheRanksAndTheValues()
    {
        var comm = new FakeCommunicator(0, 3) { OthersGather = mine => { var o = (long[])mine.Clone(); o[3] = 999; o[2] = (long)TorchSharp.torch.ScalarType.BFloat16; return o; } };
        var e = Assert.Throws<System.InvalidOperationException>(() => StartupCheck.Verify(comm, Fields))!;
        Assert.That(e.Message, Does.Contain("parameter count: rank 0 has 1000, rank 1 has 999"));
        Assert.That(e.Message, Does.Contain("dtype: rank 0 has Float32, rank 2 has BFloat16"));
        Assert.That(e.Message, Does.Not.Contain("world size"));
    }

    [Test]
    public void HashesAreStableAndDiscriminate()
    {
        Assert.That(StartupCheck.Hash("{\"Depth\":2}"), Is.EqualTo(StartupCheck.Hash("{\"Depth\":2}")));
        Assert.That(StartupCheck.Hash("{\"Depth\":2}"), Is.Not.EqualTo(StartupCheck.Hash("{\"Depth\":3}")));
        Assert.That(StartupCheck.Hash("x"), Is.GreaterThanOrEqualTo(0));
    }
}
