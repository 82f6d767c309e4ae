using DiTPlugin.D3D12;
using NUnit.Framework;

// Outside any namespace on purpose, like VulkanSetup: NUnit runs a SetUpFixture for the tests in its namespace, and
// this one serves every test of the assembly it is compiled into (the D3D12 target's tests and the demo scene's).
/// <summary>
/// One headless Direct3D 12 device and DIRECT queue for the whole assembly: d3d12.dll on Windows, vkd3d
/// (libvkd3d-utils.so.1) on Vulkan elsewhere — Mesa's lavapipe on a machine without a GPU. Where none can be created
/// (no vkd3d, no Vulkan driver, a 32-bit process), every test that asks for it is ignored with the reason.
/// </summary>
[SetUpFixture]
public sealed class D3D12Setup
{
    private static D3D12HeadlessDevice? _device;
    private static string _reason = "not initialised";

    [OneTimeSetUp]
    public void CreateDevice()
    {
        if (D3D12HeadlessDevice.TryCreate(out _device, out _reason))
            TestContext.Progress.WriteLine("D3D12 device: " + _device!.Description);
        else
            TestContext.Progress.WriteLine("no D3D12 device: " + _reason);
    }

    [OneTimeTearDown]
    public void DisposeDevice()
    {
        _device?.Dispose();
        _device = null;
    }

    /// <summary>The shared device, or Assert.Ignore with the reason it could not be created.</summary>
    public static D3D12HeadlessDevice Device
    {
        get
        {
            if (_device is null) Assert.Ignore("no D3D12 device: " + _reason);
            return _device!;
        }
    }
}
