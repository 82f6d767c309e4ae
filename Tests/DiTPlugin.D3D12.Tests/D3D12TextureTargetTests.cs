using System;
using DiTPlugin.D3D12;
using DiTPlugin.D3D12.Interop;
using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>
    /// The Direct3D 12 target: the shared contract of GPU texture targets (<see cref="GpuTextureTargetContract{TTarget}"/>:
    /// round trips on every level, buffer reuse, the grey placeholder, refusals) on the headless device, plus what only
    /// D3D12 has (the DXGI format each setting maps to, the pitched footprint layout of the texture's copies).
    /// </summary>
    [TestFixture]
    public sealed class D3D12TextureTargetTests : GpuTextureTargetContract<D3D12TextureTarget>
    {
        protected override string DeviceName => D3D12Setup.Device.Description;

        protected override D3D12TextureTarget Create(TextureSettings settings) => new D3D12TextureTarget(D3D12Setup.Device, settings);

        protected override byte[] ReadBack(D3D12TextureTarget target) => target.ReadBack();

        protected override Observed Observe(D3D12TextureTarget target) =>
            new Observed(target.Version, target.IsFinal, target.Layout, (ulong)(long)target.Resource, (ulong)(long)target.UploadBuffer);

        protected override IDisposable? HoldTexture(D3D12TextureTarget target) => new ComReference(target.Resource);

        // A write that finds the previous upload unfinished blocks; how often that happens on this device tells whether
        // the back-to-back test exercised the wait at all.
        protected override void DescribeBackToBackWrites(D3D12TextureTarget target, int writes) =>
            TestContext.Out.WriteLine($"{writes} back-to-back writes: {target.BlockingWaits} found the previous upload still running");

        [TestCase("Rgba8Srgb", DxgiFormat.R8G8B8A8UnormSrgb)]
        [TestCase("Rgba8Linear", DxgiFormat.R8G8B8A8Unorm)]
        [TestCase("Half", DxgiFormat.R16G16B16A16Float)]
        public void Settings_map_to_the_dxgi_format(string format, DxgiFormat expected)
        {
            using var target = Create(Settings(format, false));
            Assert.That(target.Format, Is.EqualTo(expected));
            Assert.That((int)expected, Is.EqualTo(format switch { "Rgba8Srgb" => 29, "Rgba8Linear" => 28, _ => 10 }), "dxgiformat.h values");
        }

        [Test]
        public void The_texture_holds_the_bytes_in_the_layout_that_Compute_predicts()
        {
            // An independent readback: own command list, own readback buffer laid out by UploadFootprint.Compute (not
            // GetCopyableFootprints, which the target uses both ways). A footprint bug shared by upload and ReadBack
            // would round-trip in the contract's tests but not here.
            var layout = new TextureLayout(37, 20, Settings("Half", true));
            using var target = Create(layout.Settings);
            target.Allocate(layout);
            var data = TestData.RandomBytes(layout.ByteSize, seed: 21);
            target.Write(TestData.Update(layout, data));

            var read = IndependentReadback.Read(D3D12Setup.Device, target.Resource, layout);

            Assert.That(TestData.FirstDifference(layout, data, read), Is.Null);
        }

        /// <summary>A reference of the test's own on a COM object, so the object outlives whatever the target does with it.</summary>
        private sealed class ComReference : IDisposable
        {
            private nint _pointer;

            public ComReference(nint pointer)
            {
                Unknown.AddRef(pointer);
                _pointer = pointer;
            }

            public void Dispose() => Unknown.Release(ref _pointer);
        }
    }
}
