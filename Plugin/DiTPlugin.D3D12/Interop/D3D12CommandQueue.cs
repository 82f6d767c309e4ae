namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// ID3D12CommandQueue. Slots: IUnknown 0–2, ID3D12Object 3–6, ID3D12DeviceChild::GetDevice 7, ID3D12Pageable (no
    /// methods), then UpdateTileMappings 8, CopyTileMappings 9, ExecuteCommandLists 10, SetMarker 11, BeginEvent 12,
    /// EndEvent 13, Signal 14, Wait 15, GetTimestampFrequency 16, GetClockCalibration 17, GetDesc 18.
    /// </summary>
    internal readonly unsafe struct D3D12CommandQueue
    {
        private const int ExecuteCommandListsSlot = 10;
        private const int SignalSlot = 14;
        private const int GetDescSlot = 18;

        public readonly nint Pointer;

        public D3D12CommandQueue(nint pointer) => Pointer = pointer;

        /// <summary>Submits one command list (an ID3D12GraphicsCommandList is an ID3D12CommandList: same pointer).</summary>
        public void ExecuteCommandList(D3D12GraphicsCommandList list)
        {
            nint one = list.Pointer;
            Com.Call(Com.Slot(Pointer, ExecuteCommandListsSlot), Pointer, 1, (nint)(&one));
        }

        /// <summary>Sets <paramref name="fence"/> to <paramref name="value"/> once the work submitted before this call is done.</summary>
        public int Signal(D3D12Fence fence, ulong value) =>
            (int)Com.Call(Com.Slot(Pointer, SignalSlot), Pointer, fence.Pointer, Com.U64(value));

        /// <summary>
        /// GetDesc returns the struct by value; in the COM ABI (MSVC's, which vkd3d's C vtables spell out) that is a
        /// hidden result pointer after <c>this</c>.
        /// </summary>
        public CommandQueueDesc GetDesc()
        {
            CommandQueueDesc desc = default;
            Com.Call(Com.Slot(Pointer, GetDescSlot), Pointer, (nint)(&desc));
            return desc;
        }
    }
}
