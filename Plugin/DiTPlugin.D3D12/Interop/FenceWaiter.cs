using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// Waits, with a time limit, for a fence to reach a value. On Windows: SetEventOnCompletion with an auto-reset
    /// event and WaitForSingleObject. Elsewhere (vkd3d) by polling GetCompletedValue: vkd3d 1.2's events support only
    /// a zero or infinite wait ("Timed wait not implemented yet" for anything else, checked here), and an infinite
    /// wait on a fence that never gets there is exactly the hang this class exists to avoid. Polling spins briefly,
    /// then sleeps a millisecond at a time.
    /// </summary>
    internal sealed class FenceWaiter : IDisposable
    {
        private IntPtr _event;

        public FenceWaiter()
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            _event = Kernel32.CreateEventW(IntPtr.Zero, false, false, null);
            if (_event == IntPtr.Zero)
                throw new InvalidOperationException($"CreateEventW for the fence waits failed with Win32 error {Marshal.GetLastWin32Error()}.");
        }

        /// <summary>
        /// True once <paramref name="fence"/> has reached <paramref name="value"/> (or UINT64_MAX: a removed device;
        /// the caller tells the two apart by <paramref name="completed"/>), false when <paramref name="timeout"/>
        /// passed first. A failing SetEventOnCompletion comes back in <paramref name="hresult"/> with false.
        /// </summary>
        public bool Wait(D3D12Fence fence, ulong value, TimeSpan timeout, out ulong completed, out int hresult)
        {
            hresult = HResults.Ok;
            completed = fence.GetCompletedValue();
            if (completed >= value) return true;
            return _event != IntPtr.Zero ? WaitOnEvent(fence, value, timeout, out completed, out hresult) : Poll(fence, value, timeout, out completed);
        }

        private bool WaitOnEvent(D3D12Fence fence, ulong value, TimeSpan timeout, out ulong completed, out int hresult)
        {
            hresult = fence.SetEventOnCompletion(value, _event);
            if (hresult < 0)
            {
                completed = fence.GetCompletedValue();
                return false;
            }
            const uint waitObject0 = 0;
            uint ms = (uint)Math.Min(Math.Max(0, timeout.TotalMilliseconds), uint.MaxValue - 1);   // never INFINITE
            uint result = Kernel32.WaitForSingleObject(_event, ms);
            completed = fence.GetCompletedValue();
            return result == waitObject0 || completed >= value;
        }

        private static bool Poll(D3D12Fence fence, ulong value, TimeSpan timeout, out ulong completed)
        {
            var clock = Stopwatch.StartNew();
            var spin = new SpinWait();
            while (true)
            {
                completed = fence.GetCompletedValue();
                if (completed >= value) return true;
                if (clock.Elapsed >= timeout) return false;
                if (!spin.NextSpinWillYield) spin.SpinOnce();
                else Thread.Sleep(1);
            }
        }

        public void Dispose()
        {
            if (_event == IntPtr.Zero) return;
            Kernel32.CloseHandle(_event);
            _event = IntPtr.Zero;
        }

        private static class Kernel32
        {
            [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
            public static extern IntPtr CreateEventW(IntPtr attributes, bool manualReset, bool initialState, string? name);

            [DllImport("kernel32", SetLastError = true)]
            public static extern uint WaitForSingleObject(IntPtr handle, uint milliseconds);

            [DllImport("kernel32", SetLastError = true)]
            public static extern bool CloseHandle(IntPtr handle);
        }
    }
}
