using System;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>IUnknown's three methods (vtable slots 0–2 of every COM interface) on a raw interface pointer.</summary>
    internal static unsafe class Unknown
    {
        public static int QueryInterface(nint self, Guid iid, out nint result)
        {
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(self, 0), self, (nint)(&iid), (nint)(&p));
            result = p;
            return hr;
        }

        public static uint AddRef(nint self) => (uint)Com.Call(Com.Slot(self, 1), self);

        public static uint Release(nint self) => (uint)Com.Call(Com.Slot(self, 2), self);

        /// <summary>Releases one reference when <paramref name="pointer"/> is set, and clears it.</summary>
        public static void Release(ref nint pointer)
        {
            if (pointer == 0) return;
            Release(pointer);
            pointer = 0;
        }

        /// <summary>
        /// The object's identity: COM guarantees that QueryInterface for IUnknown returns the same pointer for every
        /// interface of one object, so two interface pointers belong to one object exactly when these are equal.
        /// </summary>
        public static nint Identity(nint self)
        {
            int hr = QueryInterface(self, Iids.IUnknown, out nint unknown);
            if (hr < 0 || unknown == 0) return 0;
            Release(unknown);
            return unknown;
        }
    }

    /// <summary>ID3D12DeviceChild::GetDevice, slot 7 of every device child (after IUnknown's 3 and ID3D12Object's 4).</summary>
    internal static unsafe class DeviceChild
    {
        public static int GetDevice(nint self, out nint device)
        {
            Guid iid = Iids.Device;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(self, 7), self, (nint)(&iid), (nint)(&p));
            device = p;
            return hr;
        }
    }
}
