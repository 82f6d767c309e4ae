using DiTPlugin.Textures;
using DiTPlugin.TestSupport;
using NUnit.Framework;

namespace DiTPlugin.D3D12.Tests
{
    /// <summary>The encoder's bytes through the Direct3D 12 target (<see cref="EncoderOnGpuContract{TTarget}"/>).</summary>
    [TestFixture]
    public sealed class TextureEncoderOnGpuTests : EncoderOnGpuContract<D3D12TextureTarget>
    {
        protected override D3D12TextureTarget Create(TextureSettings settings) => new D3D12TextureTarget(D3D12Setup.Device, settings);

        protected override byte[] ReadBack(D3D12TextureTarget target) => target.ReadBack();
    }
}
