using System;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// ID3D12Device. Slots: IUnknown 0–2, ID3D12Object 3–6 (GetPrivateData, SetPrivateData, SetPrivateDataInterface,
    /// SetName), then the device's own methods in header order from GetNodeCount (7).
    /// </summary>
    internal readonly unsafe struct D3D12Device
    {
        private const int CreateCommandQueueSlot = 8;
        private const int CreateCommandAllocatorSlot = 9;
        private const int CreateCommandListSlot = 12;
        private const int CreateCommittedResourceSlot = 27;
        private const int CreateFenceSlot = 36;
        private const int GetDeviceRemovedReasonSlot = 37;
        private const int GetCopyableFootprintsSlot = 38;

        public readonly nint Pointer;

        public D3D12Device(nint pointer) => Pointer = pointer;

        public int CreateCommandQueue(in CommandQueueDesc desc, out D3D12CommandQueue queue)
        {
            var d = desc;
            Guid iid = Iids.CommandQueue;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(Pointer, CreateCommandQueueSlot), Pointer, (nint)(&d), (nint)(&iid), (nint)(&p));
            queue = new D3D12CommandQueue(p);
            return hr;
        }

        public int CreateCommandAllocator(CommandListType type, out D3D12CommandAllocator allocator)
        {
            Guid iid = Iids.CommandAllocator;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(Pointer, CreateCommandAllocatorSlot), Pointer, (nint)type, (nint)(&iid), (nint)(&p));
            allocator = new D3D12CommandAllocator(p);
            return hr;
        }

        /// <summary>A graphics command list, created open (recording) on node 0 with no pipeline state.</summary>
        public int CreateCommandList(CommandListType type, D3D12CommandAllocator allocator, out D3D12GraphicsCommandList list)
        {
            Guid iid = Iids.GraphicsCommandList;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(Pointer, CreateCommandListSlot), Pointer, 0, (nint)type, allocator.Pointer, 0, (nint)(&iid), (nint)(&p));
            list = new D3D12GraphicsCommandList(p);
            return hr;
        }

        public int CreateCommittedResource(in HeapProperties heap, in ResourceDesc desc, ResourceStates initialState, out D3D12Resource resource)
        {
            var h = heap;
            var d = desc;
            Guid iid = Iids.Resource;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(Pointer, CreateCommittedResourceSlot), Pointer, (nint)(&h), 0 /* D3D12_HEAP_FLAG_NONE */, (nint)(&d),
                (nint)initialState, 0 /* no optimized clear value */, (nint)(&iid), (nint)(&p));
            resource = new D3D12Resource(p);
            return hr;
        }

        public int CreateFence(ulong initialValue, out D3D12Fence fence)
        {
            Guid iid = Iids.Fence;
            nint p = 0;
            int hr = (int)Com.Call(Com.Slot(Pointer, CreateFenceSlot), Pointer, Com.U64(initialValue), 0 /* D3D12_FENCE_FLAG_NONE */, (nint)(&iid), (nint)(&p));
            fence = new D3D12Fence(p);
            return hr;
        }

        /// <summary>S_OK while the device works; the reason (DXGI_ERROR_DEVICE_HUNG, …) once it has been removed.</summary>
        public int GetDeviceRemovedReason() => (int)Com.Call(Com.Slot(Pointer, GetDeviceRemovedReasonSlot), Pointer);

        /// <summary>
        /// The placed footprints, row counts, unpadded row sizes and total size of subresources
        /// [first, first + footprints.Length) copied to or from a buffer at <paramref name="baseOffset"/>. The runtime
        /// signals an invalid description by setting the outputs to UINT64_MAX (it returns nothing).
        /// </summary>
        public void GetCopyableFootprints(in ResourceDesc desc, int first, Span<PlacedSubresourceFootprint> footprints, Span<uint> rowCounts,
            Span<ulong> rowSizes, out ulong totalBytes, ulong baseOffset = 0)
        {
            if (rowCounts.Length != footprints.Length || rowSizes.Length != footprints.Length)
                throw new ArgumentException("GetCopyableFootprints needs as many row counts and row sizes as footprints.");
            var d = desc;
            ulong total = 0;
            fixed (PlacedSubresourceFootprint* f = footprints)
            fixed (uint* rows = rowCounts)
            fixed (ulong* sizes = rowSizes)
                Com.Call(Com.Slot(Pointer, GetCopyableFootprintsSlot), Pointer, (nint)(&d), (nint)first, (nint)footprints.Length, Com.U64(baseOffset),
                    (nint)f, (nint)rows, (nint)sizes, (nint)(&total));
            totalBytes = total;
        }
    }
}
