using System;
using System.Threading;
using DiT.Training.Distributed;
using NUnit.Framework;

namespace DiT.Training.Tests.Distributed;

public class CollectiveWatchdogTests
{
    [Test]
    public void ACollectiveThatOverrunsFiresOnceWithWhoAndWhat()
    {
        string? message = null;
        int fired = 0;
        using var fire = new ManualResetEventSlim();
        using var dog = new CollectiveWatchdog(TimeSpan.FromMilliseconds(200), "rank 3 of 4", m => { message = m; Interlocked.Increment(ref fired); fire.Set(); });
        using (dog.Enter("all-reduce of 7 floats"))
        {
            Assert.That(fire.Wait(TimeSpan.FromSeconds(30)), "fired");
            Thread.Sleep(500);                                       // would fire again if it were not once only
        }
        Assert.That(fired, Is.EqualTo(1));
        Assert.That(message, Does.Contain("rank 3 of 4: all-reduce of 7 floats did not complete within 0.2 s"));
    }

    [Test]
    public void CollectivesThatReturnNeverFire()
    {
        bool fired = false;
        using var dog = new CollectiveWatchdog(TimeSpan.FromSeconds(60), "rank 0", _ => fired = true);
        for (int i = 0; i < 100; i++) using (dog.Enter("barrier")) { }
        Thread.Sleep(100);
        Assert.That(fired, Is.False);
    }

    [Test]
    public void TheTimeoutMustBePositive() =>
        Assert.That(() => new CollectiveWatchdog(TimeSpan.Zero, "rank 0", _ => { }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("positive"));
}
