namespace DiTPlugin.D3D12.Interop
{
    /// <summary>
    /// ID3D12Fence. Slots: IUnknown 0–2, ID3D12Object 3–6, GetDevice 7, ID3D12Pageable (no methods), then
    /// GetCompletedValue 8, SetEventOnCompletion 9, Signal 10.
    /// </summary>
    internal readonly struct D3D12Fence
    {
        private const int GetCompletedValueSlot = 8;
        private const int SetEventOnCompletionSlot = 9;
        private const int SignalSlot = 10;

        public readonly nint Pointer;

        public D3D12Fence(nint pointer) => Pointer = pointer;

        /// <summary>The value the fence has reached; UINT64_MAX once the device has been removed.</summary>
        public ulong GetCompletedValue() => (ulong)Com.Call(Com.Slot(Pointer, GetCompletedValueSlot), Pointer);

        /// <summary>Signals the OS event <paramref name="eventHandle"/> once the fence reaches <paramref name="value"/>.</summary>
        public int SetEventOnCompletion(ulong value, nint eventHandle) =>
            (int)Com.Call(Com.Slot(Pointer, SetEventOnCompletionSlot), Pointer, Com.U64(value), eventHandle);

        /// <summary>Sets the fence's value from the CPU (the tests use it to play a GPU that has not finished, or a removed device).</summary>
        public int Signal(ulong value) => (int)Com.Call(Com.Slot(Pointer, SignalSlot), Pointer, Com.U64(value));
    }
}
