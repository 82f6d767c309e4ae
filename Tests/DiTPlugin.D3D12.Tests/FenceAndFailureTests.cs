using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using DiTPlugin.D3D12.Interop;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>
    /// When the target waits for the GPU, and what happens when the GPU or the runtime lets it down. A slow GPU is
    /// played by setting the target's fence back from the CPU (ID3D12Fence::Signal) once its upload is done: the
    /// target then sees its last submission as unfinished until the test sets the fence forward again. A removed
    /// device is played by setting the fence to UINT64_MAX, as a removed device's fences read; a runtime that refuses
    /// a call by the target's failure seam. Every test bounds its time: nothing may hang.
    /// </summary>
    public sealed class FenceAndFailureTests
    {
        private static readonly TextureLayout Layout = new TextureLayout(37, 20, D3D12TextureTargetTests.Settings("Rgba8Srgb", true));

        private static D3D12TextureTarget NewTarget()
        {
            var target = new D3D12TextureTarget(D3D12Setup.Device, Layout.Settings);
            target.Allocate(Layout);
            return target;
        }

        /// <summary>Until the GPU has finished everything the target submitted (bounded).</summary>
        private static void UntilIdle(D3D12TextureTarget target)
        {
            var clock = Stopwatch.StartNew();
            while (target.Fence.GetCompletedValue() < target.LastSignalledValue)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(10)) Assert.Fail("the GPU did not finish the target's work in 10 s");
                Thread.Sleep(1);
            }
        }

        /// <summary>Sets the fence one below the target's last value: its last submission now looks unfinished.</summary>
        private static ulong PretendLastSubmissionRuns(D3D12TextureTarget target)
        {
            UntilIdle(target);
            ulong value = target.LastSignalledValue;
            Assert.That(target.Fence.Signal(value - 1), Is.Zero);
            return value;
        }

        [Test]
        public void A_write_blocks_only_while_the_previous_upload_is_unfinished()
        {
            using var target = NewTarget();
            UntilIdle(target);
            long before = target.BlockingWaits;

            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 1)));
            UntilIdle(target);
            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 2)));
            Assert.That(target.BlockingWaits, Is.EqualTo(before), "the previous upload had finished: no wait");

            ulong value = PretendLastSubmissionRuns(target);
            var data = TestData.RandomBytes(Layout.ByteSize, 3);
            var write = Task.Run(() => target.Write(TestData.Update(Layout, data)));
            Thread.Sleep(200);
            Assert.That(write.IsCompleted, Is.False, "the write must wait for the unfinished upload");
            Assert.That(target.BlockingWaits, Is.EqualTo(before + 1));

            Assert.That(target.Fence.Signal(value), Is.Zero);   // the upload "finishes"
            Assert.That(write.Wait(TimeSpan.FromSeconds(10)), Is.True, "the write resumes once the fence arrives");
            Assert.That(TestData.FirstDifference(Layout, data, target.ReadBack()), Is.Null);
            Assert.That(target.Version, Is.EqualTo(3));
        }

        [Test]
        public void A_fence_that_never_arrives_times_out_instead_of_hanging_and_the_target_recovers()
        {
            using var target = NewTarget();
            target.FenceTimeout = TimeSpan.FromMilliseconds(200);
            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 1)));
            ulong value = PretendLastSubmissionRuns(target);

            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<D3D12Exception>(() => target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 2))));
            var elapsed = clock.Elapsed;

            TestContext.Out.WriteLine($"{e!.Message} (after {elapsed.TotalMilliseconds:F0} ms)");
            Assert.That(e.HResult, Is.EqualTo(D3D12Exception.WaitTimeout));
            Assert.That(e.Message, Does.Contain("previous upload").And.Contain($"ID3D12Fence value {value}").And.Contain("timed out"));
            Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(190)).And.LessThan(TimeSpan.FromSeconds(5)));
            Assert.That(target.Version, Is.EqualTo(1));

            Assert.That(target.Fence.Signal(value), Is.Zero);
            var data = TestData.RandomBytes(Layout.ByteSize, 3);
            target.Write(TestData.Update(Layout, data));
            Assert.That(TestData.FirstDifference(Layout, data, target.ReadBack()), Is.Null);
        }

        [Test]
        public void A_removed_device_fails_fast_with_its_reason_and_dispose_still_returns()
        {
            var target = NewTarget();
            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 1)));
            UntilIdle(target);
            Assert.That(target.Fence.Signal(ulong.MaxValue), Is.Zero);

            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<D3D12Exception>(() => target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 2))));
            TestContext.Out.WriteLine(e!.Message);
            Assert.That(e.IsDeviceRemoved, Is.True);
            Assert.That(e.HResult, Is.EqualTo(D3D12Exception.DeviceRemoved));
            Assert.That(e.Call, Is.EqualTo("ID3D12Fence::GetCompletedValue"));
            Assert.That(e.Message, Does.Contain("DXGI_ERROR_DEVICE_REMOVED").And.Contain("GetDeviceRemovedReason"));
            Assert.Throws<D3D12Exception>(() => target.ReadBack());
            Assert.DoesNotThrow(target.Dispose, "a removed device runs nothing: Dispose releases everything quietly");
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        }

        [TestCase("ID3D12CommandAllocator::Reset")]
        [TestCase("ID3D12GraphicsCommandList::Reset")]
        [TestCase("ID3D12GraphicsCommandList::Close")]
        [TestCase("ID3D12CommandQueue::Signal")]
        public void A_refused_call_in_a_write_throws_naming_it_and_the_next_write_lands(string call)
        {
            using var target = NewTarget();
            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 1)));
            target.InjectFailure = name => name == call ? HResults.EFail : null;

            var e = Assert.Throws<D3D12Exception>(() => target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 2))));

            Assert.That(e!.Call, Is.EqualTo(call));
            Assert.That(e.HResult, Is.EqualTo(HResults.EFail));
            Assert.That(e.Message, Does.StartWith(call).And.Contain("E_FAIL (0x80004005)"));
            Assert.That(e.IsDeviceRemoved, Is.False);
            Assert.That(target.Version, Is.EqualTo(1), "a write that threw does not count");

            target.InjectFailure = null;
            var clock = Stopwatch.StartNew();
            var data = TestData.RandomBytes(Layout.ByteSize, 3);
            target.Write(TestData.Update(Layout, data));
            Assert.That(TestData.FirstDifference(Layout, data, target.ReadBack()), Is.Null);
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        }

        [Test]
        public void A_device_removed_at_submit_reports_it_and_the_reason()
        {
            using var target = NewTarget();
            target.InjectFailure = name => name == "ID3D12GraphicsCommandList::Close" ? D3D12Exception.DeviceRemoved : null;

            var e = Assert.Throws<D3D12Exception>(() => target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 2))));

            TestContext.Out.WriteLine(e!.Message);
            Assert.That(e.IsDeviceRemoved, Is.True);
            Assert.That(e.Message, Does.Contain("ID3D12GraphicsCommandList::Close").And.Contain("DXGI_ERROR_DEVICE_REMOVED").And.Contain("GetDeviceRemovedReason: S_OK"),
                "vkd3d's device is not really removed, so it reports S_OK as the reason");
        }

        [Test]
        public void A_refused_allocation_names_the_resource_and_leaves_the_target_empty()
        {
            using var target = new D3D12TextureTarget(D3D12Setup.Device, Layout.Settings);
            target.InjectFailure = name => name == "ID3D12Device::CreateCommittedResource" ? HResults.EOutOfMemory : null;

            var e = Assert.Throws<D3D12Exception>(() => target.Allocate(Layout));

            Assert.That(e!.Message, Does.Contain("CreateCommittedResource (texture 37x20 R8G8B8A8UnormSrgb, 6 mip(s))").And.Contain("E_OUTOFMEMORY"));
            Assert.That(target.Resource, Is.EqualTo(IntPtr.Zero));
            Assert.That(target.Layout, Is.Null);
            target.InjectFailure = null;
            target.Allocate(Layout);
            Assert.That(target.ReadBack()[3], Is.EqualTo(255));
        }

        [Test]
        public void Dispose_after_a_refused_signal_throws_and_keeps_the_objects_rather_than_free_them_under_the_gpu()
        {
            var target = NewTarget();
            target.Write(TestData.Update(Layout, TestData.RandomBytes(Layout.ByteSize, 1)));
            target.InjectFailure = name => name == "ID3D12CommandQueue::Signal" ? HResults.EFail : null;

            var clock = Stopwatch.StartNew();
            var e = Assert.Throws<D3D12Exception>(target.Dispose);

            Assert.That(e!.Message, Does.Contain("ID3D12CommandQueue::Signal").And.Contain("kept"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
            Assert.DoesNotThrow(target.Dispose, "disposed once");
            Assert.Throws<ObjectDisposedException>(() => target.Write(TestData.Update(Layout, new byte[Layout.ByteSize])));
        }
    }
}
