namespace DiTPlugin.D3D12.Interop
{
    /// <summary>ID3D12CommandAllocator. Slots: IUnknown 0–2, ID3D12Object 3–6, GetDevice 7, Reset 8.</summary>
    internal readonly struct D3D12CommandAllocator
    {
        private const int ResetSlot = 8;

        public readonly nint Pointer;

        public D3D12CommandAllocator(nint pointer) => Pointer = pointer;

        /// <summary>Reuses the allocator's memory: only once the GPU has finished every list recorded from it.</summary>
        public int Reset() => (int)Com.Call(Com.Slot(Pointer, ResetSlot), Pointer);
    }
}
