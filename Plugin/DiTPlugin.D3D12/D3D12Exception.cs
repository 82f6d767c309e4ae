using System;
using DiTPlugin.D3D12.Interop;

namespace DiTPlugin.D3D12
{
    /// <summary>A Direct3D 12 call failed or a wait on the GPU ran out of time: <see cref="Exception.HResult"/> is the code.</summary>
    public sealed class D3D12Exception : Exception
    {
        /// <summary>DXGI_ERROR_DEVICE_REMOVED.</summary>
        public const int DeviceRemoved = HResults.DeviceRemoved;
        /// <summary>HRESULT_FROM_WIN32(WAIT_TIMEOUT): a fence did not reach its value in time.</summary>
        public const int WaitTimeout = HResults.WaitTimeout;

        /// <summary>The call that failed, e.g. "ID3D12Device::CreateCommittedResource (texture …)".</summary>
        public string Call { get; }
        /// <summary>ID3D12Device::GetDeviceRemovedReason when the failure was a removed device (S_OK = 0 if the device did not say).</summary>
        public int DeviceRemovedReason { get; }
        /// <summary>Whether the device is gone (the code, or a fence at UINT64_MAX, says so): nothing on it will work again.</summary>
        public bool IsDeviceRemoved { get; }

        public D3D12Exception(string call, int hresult, string? detail = null, bool deviceRemoved = false, int deviceRemovedReason = 0)
            : base(Describe(call, hresult, detail, deviceRemoved, deviceRemovedReason))
        {
            Call = call;
            HResult = hresult;
            IsDeviceRemoved = deviceRemoved;
            DeviceRemovedReason = deviceRemovedReason;
        }

        private static string Describe(string call, int hresult, string? detail, bool removed, int reason) =>
            hresult == HResults.WaitTimeout
                ? $"{call} timed out ({HResults.Describe(hresult)}){(detail != null ? ": " + detail : "")}."
                : $"{call} failed with HRESULT {HResults.Describe(hresult)}" +
                  (removed ? $" (device removed; GetDeviceRemovedReason: {HResults.Describe(reason)})" : "") +
                  (detail != null ? ": " + detail : "") + ".";
    }
}
