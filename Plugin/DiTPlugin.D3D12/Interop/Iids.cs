using System;

namespace DiTPlugin.D3D12.Interop
{
    /// <summary>Interface IDs from d3d12.h (MIDL_INTERFACE / DEFINE_GUID lines).</summary>
    internal static class Iids
    {
        public static readonly Guid IUnknown = new Guid("00000000-0000-0000-c000-000000000046");
        public static readonly Guid Device = new Guid("189819f1-1db6-4b57-be54-1821339b85f7");
        public static readonly Guid CommandQueue = new Guid("0ec870a6-5d7e-4c22-8cfc-5baae07616ed");
        public static readonly Guid CommandAllocator = new Guid("6102dee4-af59-4b09-b999-b44d73f09b24");
        public static readonly Guid GraphicsCommandList = new Guid("5b160d0f-ac1b-4185-8ba8-b3ae42a5a455");
        public static readonly Guid Fence = new Guid("0a753dcf-c4d8-4b91-adf6-be5a60d95a76");
        public static readonly Guid Resource = new Guid("696442be-a72e-4059-bc79-5b5c98040fad");
    }
}
