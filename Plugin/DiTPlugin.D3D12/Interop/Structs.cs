using System;
using System.Runtime.InteropServices;

// Layouts copied from d3d12.h / dxgicommon.h (directx-headers-dev; vkd3d's vkd3d_d3d12.h agrees). Sizes and offsets
// as gcc lays them out on x86-64, checked by InteropLayoutTests: natural alignment, so Sequential matches; the two
// unions use Explicit offsets. Enum-typed fields are stored as their underlying 32-bit values.
namespace DiTPlugin.D3D12.Interop
{
    /// <summary>D3D12_COMMAND_QUEUE_DESC (16 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct CommandQueueDesc
    {
        public CommandListType Type;
        public int Priority;
        public uint Flags;
        public uint NodeMask;
    }

    /// <summary>D3D12_HEAP_PROPERTIES (20 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct HeapProperties
    {
        public HeapType Type;
        public uint CpuPageProperty;
        public uint MemoryPoolPreference;
        public uint CreationNodeMask;
        public uint VisibleNodeMask;

        public HeapProperties(HeapType type)
        {
            Type = type;
            CpuPageProperty = 0;          // D3D12_CPU_PAGE_PROPERTY_UNKNOWN: implied by the heap type
            MemoryPoolPreference = 0;     // D3D12_MEMORY_POOL_UNKNOWN
            CreationNodeMask = 1;         // single-adapter
            VisibleNodeMask = 1;
        }
    }

    /// <summary>DXGI_SAMPLE_DESC (8 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SampleDesc
    {
        public uint Count;
        public uint Quality;
    }

    /// <summary>D3D12_RESOURCE_DESC (56 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ResourceDesc
    {
        public ResourceDimension Dimension;
        public ulong Alignment;
        public ulong Width;
        public uint Height;
        public ushort DepthOrArraySize;
        public ushort MipLevels;
        public DxgiFormat Format;
        public SampleDesc SampleDesc;
        public TextureLayoutKind Layout;
        public uint Flags;

        public static ResourceDesc Texture2D(int width, int height, int mips, DxgiFormat format) => new ResourceDesc
        {
            Dimension = ResourceDimension.Texture2D,
            Width = (ulong)width,
            Height = (uint)height,
            DepthOrArraySize = 1,
            MipLevels = checked((ushort)mips),
            Format = format,
            SampleDesc = new SampleDesc { Count = 1 },
            Layout = TextureLayoutKind.Unknown,   // the driver's tiling
        };

        public static ResourceDesc Buffer(ulong bytes) => new ResourceDesc
        {
            Dimension = ResourceDimension.Buffer,
            Width = bytes,
            Height = 1,
            DepthOrArraySize = 1,
            MipLevels = 1,
            Format = DxgiFormat.Unknown,
            SampleDesc = new SampleDesc { Count = 1 },
            Layout = TextureLayoutKind.RowMajor,  // required for buffers
        };
    }

    /// <summary>D3D12_SUBRESOURCE_FOOTPRINT (20 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct SubresourceFootprint
    {
        public DxgiFormat Format;
        public uint Width;
        public uint Height;
        public uint Depth;
        public uint RowPitch;
    }

    /// <summary>D3D12_PLACED_SUBRESOURCE_FOOTPRINT (32 bytes: the footprint at 8, after the UINT64 offset).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct PlacedSubresourceFootprint
    {
        public ulong Offset;
        public SubresourceFootprint Footprint;
    }

    /// <summary>D3D12_TEXTURE_COPY_LOCATION (48 bytes): the union of a placed footprint and a subresource index at 16.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 48)]
    internal struct TextureCopyLocation
    {
        [FieldOffset(0)] public IntPtr Resource;
        [FieldOffset(8)] public TextureCopyType Type;
        [FieldOffset(16)] public PlacedSubresourceFootprint PlacedFootprint;
        [FieldOffset(16)] public uint SubresourceIndex;

        public static TextureCopyLocation Subresource(IntPtr texture, int index) =>
            new TextureCopyLocation { Resource = texture, Type = TextureCopyType.SubresourceIndex, SubresourceIndex = (uint)index };

        public static TextureCopyLocation Footprint(IntPtr buffer, PlacedSubresourceFootprint footprint) =>
            new TextureCopyLocation { Resource = buffer, Type = TextureCopyType.PlacedFootprint, PlacedFootprint = footprint };
    }

    /// <summary>D3D12_RESOURCE_TRANSITION_BARRIER (24 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ResourceTransitionBarrier
    {
        public IntPtr Resource;
        public uint Subresource;
        public ResourceStates StateBefore;
        public ResourceStates StateAfter;
    }

    /// <summary>
    /// D3D12_RESOURCE_BARRIER (32 bytes): type and flags, then a union whose largest member is the transition barrier;
    /// only transitions are used here.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 32)]
    internal struct ResourceBarrier
    {
        [FieldOffset(0)] public ResourceBarrierType Type;
        [FieldOffset(4)] public uint Flags;
        [FieldOffset(8)] public ResourceTransitionBarrier Transition;

        public static ResourceBarrier TransitionAll(IntPtr resource, ResourceStates before, ResourceStates after) => new ResourceBarrier
        {
            Type = ResourceBarrierType.Transition,
            Transition = new ResourceTransitionBarrier
            {
                Resource = resource,
                Subresource = Constants.AllSubresources,
                StateBefore = before,
                StateAfter = after,
            },
        };
    }

    /// <summary>D3D12_RANGE (16 bytes: two SIZE_T).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct Range
    {
        public UIntPtr Begin;
        public UIntPtr End;

        public Range(ulong begin, ulong end)
        {
            Begin = (UIntPtr)begin;
            End = (UIntPtr)end;
        }
    }
}
