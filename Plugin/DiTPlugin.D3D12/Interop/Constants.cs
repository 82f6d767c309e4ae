namespace DiTPlugin.D3D12.Interop
{
    // Values from d3d12.h / d3dcommon.h (directx-headers-dev); only the members this target uses.

    /// <summary>D3D12_COMMAND_LIST_TYPE.</summary>
    internal enum CommandListType
    {
        Direct = 0,
        Bundle = 1,
        Compute = 2,
        Copy = 3,
    }

    /// <summary>D3D12_HEAP_TYPE.</summary>
    internal enum HeapType
    {
        Default = 1,
        Upload = 2,
        Readback = 3,
    }

    /// <summary>D3D12_RESOURCE_DIMENSION.</summary>
    internal enum ResourceDimension
    {
        Buffer = 1,
        Texture2D = 3,
    }

    /// <summary>D3D12_TEXTURE_LAYOUT.</summary>
    internal enum TextureLayoutKind
    {
        Unknown = 0,
        RowMajor = 1,
    }

    /// <summary>D3D12_TEXTURE_COPY_TYPE.</summary>
    internal enum TextureCopyType
    {
        SubresourceIndex = 0,
        PlacedFootprint = 1,
    }

    /// <summary>D3D12_RESOURCE_BARRIER_TYPE.</summary>
    internal enum ResourceBarrierType
    {
        Transition = 0,
    }

    /// <summary>D3D12_RESOURCE_STATES (flags).</summary>
    internal enum ResourceStates
    {
        Common = 0,
        PixelShaderResource = 0x80,
        CopyDest = 0x400,
        CopySource = 0x800,
        GenericRead = 0xAC3,   // what an upload-heap resource must be created in
    }

    internal static class Constants
    {
        /// <summary>D3D_FEATURE_LEVEL_11_0: the minimum any D3D12 device supports.</summary>
        public const int FeatureLevel11_0 = 0xB000;
        /// <summary>D3D12_RESOURCE_BARRIER_ALL_SUBRESOURCES.</summary>
        public const uint AllSubresources = 0xFFFFFFFF;
    }

    /// <summary>HRESULTs the target tells apart.</summary>
    internal static class HResults
    {
        public const int Ok = 0;
        public const int EFail = unchecked((int)0x80004005);
        public const int ENoInterface = unchecked((int)0x80004002);
        public const int EInvalidArg = unchecked((int)0x80070057);
        public const int EOutOfMemory = unchecked((int)0x8007000E);
        public const int DeviceRemoved = unchecked((int)0x887A0005);   // DXGI_ERROR_DEVICE_REMOVED
        public const int DeviceHung = unchecked((int)0x887A0006);      // DXGI_ERROR_DEVICE_HUNG
        public const int DeviceReset = unchecked((int)0x887A0007);     // DXGI_ERROR_DEVICE_RESET
        /// <summary>HRESULT_FROM_WIN32(WAIT_TIMEOUT): what this target reports when a fence wait runs out of time.</summary>
        public const int WaitTimeout = unchecked((int)0x80070102);

        /// <summary>The symbolic name of the codes above, else the hex value.</summary>
        public static string Describe(int hr)
        {
            switch (hr)
            {
                case Ok: return "S_OK";
                case EFail: return "E_FAIL (0x80004005)";
                case ENoInterface: return "E_NOINTERFACE (0x80004002)";
                case EInvalidArg: return "E_INVALIDARG (0x80070057)";
                case EOutOfMemory: return "E_OUTOFMEMORY (0x8007000E)";
                case DeviceRemoved: return "DXGI_ERROR_DEVICE_REMOVED (0x887A0005)";
                case DeviceHung: return "DXGI_ERROR_DEVICE_HUNG (0x887A0006)";
                case DeviceReset: return "DXGI_ERROR_DEVICE_RESET (0x887A0007)";
                case WaitTimeout: return "WAIT_TIMEOUT (0x80070102)";
                default: return $"0x{hr:X8}";
            }
        }
    }
}
