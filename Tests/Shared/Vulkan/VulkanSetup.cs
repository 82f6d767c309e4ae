using DiTPlugin.Vulkan;
using NUnit.Framework;

// Outside any namespace on purpose: NUnit runs a SetUpFixture for the tests in its namespace, and this one serves
// every test of the assembly it is compiled into (the Plugin's Vulkan tests and the demo scene's).
/// <summary>
/// One headless device for the whole assembly (creating an instance costs more than most tests). Where there is no
/// Vulkan loader, driver or device, every test is ignored with the reason, so a machine without Vulkan skips them
/// instead of failing.
/// </summary>
[SetUpFixture]
public sealed class VulkanSetup
{
    private static VulkanDevice? _device;
    private static string _reason = "not initialised";

    [OneTimeSetUp]
    public void CreateDevice()
    {
        if (VulkanDevice.TryCreateHeadless(out _device, out _reason))
            TestContext.Progress.WriteLine("Vulkan device: " + _device!.DeviceName);
        else
            TestContext.Progress.WriteLine("no Vulkan device: " + _reason);
    }

    [OneTimeTearDown]
    public void DisposeDevice()
    {
        _device?.Dispose();
        _device = null;
    }

    /// <summary>The shared device, or Assert.Ignore with the reason it could not be created.</summary>
    public static VulkanDevice Device
    {
        get
        {
            if (_device is null) Assert.Ignore("no Vulkan device: " + _reason);
            return _device!;
        }
    }
}
