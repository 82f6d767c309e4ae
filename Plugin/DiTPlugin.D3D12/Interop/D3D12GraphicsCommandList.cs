namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// ID3D12GraphicsCommandList. Slots: IUnknown 0–2, ID3D12Object 3–6, GetDevice 7, ID3D12CommandList::GetType 8,
    /// then Close 9, Reset 10, ClearState 11, DrawInstanced 12, DrawIndexedInstanced 13, Dispatch 14,
    /// CopyBufferRegion 15, CopyTextureRegion 16, … RSSetScissorRects 22, OMSetBlendFactor 23, OMSetStencilRef 24,
    /// SetPipelineState 25, ResourceBarrier 26.
    /// </summary>
    internal readonly unsafe struct D3D12GraphicsCommandList
    {
        private const int CloseSlot = 9;
        private const int ResetSlot = 10;
        private const int CopyTextureRegionSlot = 16;
        private const int ResourceBarrierSlot = 26;

        public readonly nint Pointer;

        public D3D12GraphicsCommandList(nint pointer) => Pointer = pointer;

        public int Close() => (int)Com.Call(Com.Slot(Pointer, CloseSlot), Pointer);

        /// <summary>Starts recording again from <paramref name="allocator"/>, with no pipeline state.</summary>
        public int Reset(D3D12CommandAllocator allocator) => (int)Com.Call(Com.Slot(Pointer, ResetSlot), Pointer, allocator.Pointer, 0);

        /// <summary>A whole-subresource copy (no source box) to (0, 0, 0) of the destination.</summary>
        public void CopyTextureRegion(in TextureCopyLocation destination, in TextureCopyLocation source)
        {
            var d = destination;
            var s = source;
            Com.Call(Com.Slot(Pointer, CopyTextureRegionSlot), Pointer, (nint)(&d), 0, 0, 0, (nint)(&s), 0);
        }

        public void ResourceBarrier(in ResourceBarrier barrier)
        {
            var b = barrier;
            Com.Call(Com.Slot(Pointer, ResourceBarrierSlot), Pointer, 1, (nint)(&b));
        }
    }
}
