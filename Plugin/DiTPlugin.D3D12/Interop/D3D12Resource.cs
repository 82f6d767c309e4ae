namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// ID3D12Resource. Slots: IUnknown 0–2, ID3D12Object 3–6, GetDevice 7, ID3D12Pageable (no methods), then Map 8,
    /// Unmap 9, GetDesc 10.
    /// </summary>
    internal readonly unsafe struct D3D12Resource
    {
        private const int MapSlot = 8;
        private const int UnmapSlot = 9;
        private const int GetDescSlot = 10;

        public readonly nint Pointer;

        public D3D12Resource(nint pointer) => Pointer = pointer;

        /// <summary>Maps subresource 0 of a buffer; <paramref name="read"/> is the range the CPU will read (empty: none).</summary>
        public int Map(Range read, out byte* data)
        {
            void* p = null;
            int hr = (int)Com.Call(Com.Slot(Pointer, MapSlot), Pointer, 0, (nint)(&read), (nint)(&p));
            data = (byte*)p;
            return hr;
        }

        /// <summary>Unmaps subresource 0; <paramref name="written"/> is the range the CPU wrote (empty: none).</summary>
        public void Unmap(Range written) => Com.Call(Com.Slot(Pointer, UnmapSlot), Pointer, 0, (nint)(&written));

        /// <summary>By value in C++, so a hidden result pointer after <c>this</c> in the COM ABI (see D3D12CommandQueue.GetDesc).</summary>
        public ResourceDesc GetDesc()
        {
            ResourceDesc desc = default;
            Com.Call(Com.Slot(Pointer, GetDescSlot), Pointer, (nint)(&desc));
            return desc;
        }
    }
}
