using System;
using System.Runtime.InteropServices;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// The Direct3D 12 runtime's entry point: D3D12CreateDevice from d3d12.dll on Windows, from vkd3d's
    /// libvkd3d-utils.so.1 elsewhere (Direct3D 12 on Vulkan; with a NULL adapter it picks the first Vulkan device).
    /// </summary>
    internal static class D3D12Library
    {
        private static readonly object Gate = new object();
        private static IntPtr _library;
        private static IntPtr _createDevice;
        private static string? _loadError;

        public static string LibraryName => RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "d3d12.dll" : "libvkd3d-utils.so.1";

        /// <summary>Null when D3D12 calls can be made from this process, else why not.</summary>
        public static string? PlatformProblem()
        {
            if (IntPtr.Size != 8)
                return "the D3D12 interop supports 64-bit processes only (every argument is passed in a 64-bit slot)";
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
                return "there is no Direct3D 12 on macOS";
            return null;
        }

        /// <summary>Throws <see cref="PlatformNotSupportedException"/> when <see cref="PlatformProblem"/> names one.</summary>
        public static void EnsurePlatform()
        {
            string? problem = PlatformProblem();
            if (problem != null) throw new PlatformNotSupportedException("Direct3D 12: " + problem + ".");
        }

        /// <summary>D3D12CreateDevice's address, or zero with the reason in <paramref name="error"/>.</summary>
        public static IntPtr TryGetCreateDevice(out string error)
        {
            lock (Gate)
            {
                if (_createDevice == IntPtr.Zero && _loadError == null)
                {
                    _library = NativeLibraries.TryLoad(LibraryName, out string loadError);
                    if (_library == IntPtr.Zero)
                        _loadError = $"{LibraryName} could not be loaded ({loadError})" +
                                     (RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? "; on Debian/Ubuntu: apt-get install libvkd3d-utils1" : "");
                    else if ((_createDevice = NativeLibraries.Export(_library, "D3D12CreateDevice")) == IntPtr.Zero)
                        _loadError = $"{LibraryName} has no D3D12CreateDevice export";
                }
                error = _loadError ?? "";
                return _createDevice;
            }
        }

        /// <summary>
        /// D3D12CreateDevice(NULL adapter, feature level 11_0, IID_ID3D12Device): the default adapter on Windows, the
        /// first Vulkan device under vkd3d. Returns the HRESULT; <paramref name="device"/> holds one reference on success.
        /// </summary>
        public static unsafe int CreateDevice(out D3D12Device device)
        {
            EnsurePlatform();
            IntPtr create = TryGetCreateDevice(out string error);
            if (create == IntPtr.Zero) throw new DllNotFoundException("Direct3D 12: " + error + ".");
            Guid iid = Iids.Device;
            nint p = 0;
            int hr = (int)Com.Call(create, 0, Constants.FeatureLevel11_0, (nint)(&iid), (nint)(&p));
            device = new D3D12Device(p);
            return hr;
        }
    }
}
