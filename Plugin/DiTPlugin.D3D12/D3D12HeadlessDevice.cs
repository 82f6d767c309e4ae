using System;
using DiTPlugin.D3D12.Interop;

namespace DiTPlugin.D3D12
{
    /// <summary>
    /// A Direct3D 12 device and DIRECT command queue of the target's own, for a host that has none to share (tools,
    /// tests, the demo): the default adapter on Windows, the first Vulkan device under vkd3d elsewhere (Mesa's
    /// lavapipe on a machine without a GPU). An engine passes its own device and queue to
    /// <see cref="D3D12TextureTarget"/> instead.
    /// </summary>
    public sealed class D3D12HeadlessDevice : IDisposable
    {
        private nint _device;
        private nint _queue;

        /// <summary>ID3D12Device* (this object holds one reference until <see cref="Dispose"/>).</summary>
        public IntPtr Device => _device != 0 ? (IntPtr)_device : throw new ObjectDisposedException(nameof(D3D12HeadlessDevice));
        /// <summary>ID3D12CommandQueue* of a DIRECT queue on <see cref="Device"/>.</summary>
        public IntPtr Queue => _queue != 0 ? (IntPtr)_queue : throw new ObjectDisposedException(nameof(D3D12HeadlessDevice));
        /// <summary>For logs: which runtime library made the device.</summary>
        public string Description { get; }

        private D3D12HeadlessDevice(nint device, nint queue)
        {
            _device = device;
            _queue = queue;
            Description = "Direct3D 12 via " + D3D12Library.LibraryName;
        }

        /// <summary>Creates the device and queue; throws <see cref="D3D12Exception"/> (or DllNotFound / PlatformNotSupported) naming what failed.</summary>
        public static D3D12HeadlessDevice Create()
        {
            int hr = D3D12Library.CreateDevice(out var device);
            if (hr < 0 || device.Pointer == 0)
                throw new D3D12Exception("D3D12CreateDevice (default adapter, feature level 11_0)", hr < 0 ? hr : HResults.EFail,
                    D3D12Library.LibraryName + (hr >= 0 ? " returned success but no device" : ""));
            var desc = new CommandQueueDesc { Type = CommandListType.Direct };
            hr = device.CreateCommandQueue(desc, out var queue);
            if (hr < 0 || queue.Pointer == 0)
            {
                Unknown.Release(device.Pointer);
                throw new D3D12Exception("ID3D12Device::CreateCommandQueue (DIRECT)", hr < 0 ? hr : HResults.EFail);
            }
            return new D3D12HeadlessDevice(device.Pointer, queue.Pointer);
        }

        /// <summary>A device, or false with the reason there is none (no library, no Vulkan device, …): never throws.</summary>
        public static bool TryCreate(out D3D12HeadlessDevice? device, out string reason)
        {
            device = null;
            reason = D3D12Library.PlatformProblem() ?? "";
            if (reason.Length > 0) return false;
            if (D3D12Library.TryGetCreateDevice(out reason) == IntPtr.Zero) return false;
            try
            {
                device = Create();
                reason = "";
                return true;
            }
            catch (Exception e) when (e is D3D12Exception || e is DllNotFoundException || e is PlatformNotSupportedException || e is InvalidOperationException)
            {
                reason = e.Message;
                return false;
            }
        }

        /// <summary>Releases the queue and the device (targets made on them hold references of their own).</summary>
        public void Dispose()
        {
            Unknown.Release(ref _queue);
            Unknown.Release(ref _device);
        }
    }
}
