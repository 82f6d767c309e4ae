using System;
using DiTPlugin.Textures;
using Silk.NET.Core.Native;
using Silk.NET.Direct3D12;
// TextureLayout is both the Plugin's layout and D3D12_TEXTURE_LAYOUT; Range both System.Range and D3D12_RANGE. The
// other aliases pin the few names that are taken from elsewhere than Silk.NET.Direct3D12.
using TextureLayout = DiTPlugin.Textures.TextureLayout;
using D3D12Range = Silk.NET.Direct3D12.Range;
using Box = Silk.NET.Direct3D12.Box;
using Format = Silk.NET.DXGI.Format;
using SampleDesc = Silk.NET.DXGI.SampleDesc;

// Enum members are spelt the long way (ResourceStates.ResourceStateCopyDest, not .CopyDest): those names are in every
// Silk.NET 2.x generation seen in its sources, while the short ones were added later and some 2.x files lack them.
// Where both exist the long ones are [Obsolete] (a warning), hence the pragma. Switch once a Windows build has
// confirmed the short names in 2.23.0.
#pragma warning disable CS0618

namespace DiTPlugin.D3D12
{
    /// <summary>
    /// Streams a generation into a Direct3D 12 texture on the engine's device: a committed default-heap Texture2D with
    /// the layout's mips, and one upload-heap buffer laid out by GetCopyableFootprints, mapped once and reused by every
    /// <see cref="Write"/>. Each write waits for the previous upload, copies the rows into the pitched buffer, and
    /// submits PIXEL_SHADER_RESOURCE → COPY_DEST (not before the first write), one CopyTextureRegion per mip and
    /// COPY_DEST → PIXEL_SHADER_RESOURCE to the engine's queue (which must be a DIRECT queue), then signals a fence.
    /// Between writes the texture is in PIXEL_SHADER_RESOURCE; before the first it is in COPY_DEST, so sample it only
    /// once <see cref="Version"/> is above 0, and leave it in PIXEL_SHADER_RESOURCE (the runtime checks that each
    /// barrier's before-state matches the last after-state, and removes the device when it does not). The engine creates
    /// its SRV on <see cref="Resource"/> with <see cref="Format"/> and <see cref="TextureLayout.MipCount"/> mips. The
    /// data's first row becomes texture row 0 (the top, v = 0, with the default <see cref="RowOrder.TopDown"/>).
    /// Threads: calls are serialised by a lock; <see cref="Write"/> records and submits on the calling thread (the job's),
    /// which D3D12 allows; its work runs on the queue after everything submitted before it.
    /// </summary>
    public sealed unsafe class D3D12TextureTarget : ITextureTarget, IDisposable
    {
        private const uint AllSubresources = 0xFFFFFFFF;                       // D3D12_RESOURCE_BARRIER_ALL_SUBRESOURCES
        private const int DxgiErrorDeviceRemoved = unchecked((int)0x887A0005);   // DXGI_ERROR_DEVICE_REMOVED

        private readonly object _gate = new object();
        private ID3D12Device* _device;
        private ID3D12CommandQueue* _queue;
        private ID3D12CommandAllocator* _allocator;
        private ID3D12GraphicsCommandList* _list;
        private ID3D12Fence* _fence;
        private ulong _fenceValue;                           // last value signalled on _queue
        private ID3D12Resource* _texture;
        private ID3D12Resource* _upload;
        private byte* _mapped;
        private int _uploadBytes;
        private PlacedSubresourceFootprint[] _footprints = Array.Empty<PlacedSubresourceFootprint>();
        private UploadFootprint.Placement[] _placements = Array.Empty<UploadFootprint.Placement>();
        private bool _written;
        private bool _disposed;
        private long _version;
        private bool _final;

        public TextureSettings Settings { get; }
        /// <summary>The texture's DXGI format (for the engine's SRV): from <see cref="Settings"/>.</summary>
        public Format Format { get; }
        /// <summary>The layout, once the job has allocated the target.</summary>
        public TextureLayout? Layout { get { lock (_gate) return _layout; } }
        private TextureLayout? _layout;
        /// <summary>Counts writes since the last (re)allocation; 0 before the first.</summary>
        public long Version { get { lock (_gate) return _version; } }
        public bool IsFinal { get { lock (_gate) return _final; } }

        /// <summary>
        /// The texture (owned by this target: AddRef it to keep it past <see cref="Dispose"/> or a re-allocation to
        /// another size); null before <see cref="Allocate"/>.
        /// </summary>
        public ID3D12Resource* Resource { get { lock (_gate) return _texture; } }
        /// <summary><see cref="Resource"/> as a native pointer, for engines that pass COM pointers as IntPtr.</summary>
        public IntPtr ResourcePointer => (IntPtr)Resource;

        /// <summary>
        /// A target on the engine's device and DIRECT command queue (a Silk <c>ComPtr</c> converts to these pointers).
        /// The engine keeps its own references: this target AddRefs both and releases them in <see cref="Dispose"/>.
        /// </summary>
        public D3D12TextureTarget(ID3D12Device* device, ID3D12CommandQueue* queue, TextureSettings? settings = null)
        {
            if (device == null) throw new ArgumentNullException(nameof(device));
            if (queue == null) throw new ArgumentNullException(nameof(queue));
            Settings = settings ?? new TextureSettings();
            Format = FormatOf(Settings);
            CommandQueueDesc queueDesc = queue->GetDesc();
            if (queueDesc.Type != CommandListType.CommandListTypeDirect)
                throw new ArgumentException($"The queue is a {queueDesc.Type} queue; the target needs a DIRECT queue (shader-resource barriers).", nameof(queue));
            _device = device;
            _queue = queue;
            _device->AddRef();
            _queue->AddRef();
        }

        /// <summary>The same, from native pointers (ID3D12Device*, ID3D12CommandQueue*).</summary>
        public D3D12TextureTarget(IntPtr device, IntPtr queue, TextureSettings? settings = null)
            : this((ID3D12Device*)device, (ID3D12CommandQueue*)queue, settings)
        {
        }

        /// <summary>Rgba8 sRGB → R8G8B8A8_UNORM_SRGB, Rgba8 linear → R8G8B8A8_UNORM, RgbaHalf → R16G16B16A16_FLOAT.</summary>
        public static Format FormatOf(TextureSettings settings)
        {
            if (settings is null) throw new ArgumentNullException(nameof(settings));
            switch (settings.Format)
            {
                case TextureFormat.Rgba8:
                    return settings.ColorSpace == TextureColorSpace.Srgb
                        ? Silk.NET.DXGI.Format.FormatR8G8B8A8UnormSrgb
                        : Silk.NET.DXGI.Format.FormatR8G8B8A8Unorm;
                case TextureFormat.RgbaHalf:
                    return Silk.NET.DXGI.Format.FormatR16G16B16A16Float;   // TextureSettings allows only linear half textures
                default:
                    throw new ArgumentOutOfRangeException(nameof(settings), settings.Format, "Unknown texture format.");
            }
        }

        public void Allocate(TextureLayout layout)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            var s = layout.Settings;
            if (s.Format != Settings.Format || s.ColorSpace != Settings.ColorSpace || s.RowOrder != Settings.RowOrder || s.Mipmaps != Settings.Mipmaps)
                throw new ArgumentException($"The layout's settings ({s}) are not this target's ({Settings}).", nameof(layout));
            lock (_gate)
            {
                ThrowIfDisposed();
                // Same size (and so the same mips and format): keep the texture, so the engine's SRV stays valid.
                if (_layout != null && _layout.Width == layout.Width && _layout.Height == layout.Height)
                {
                    _layout = layout;
                    _version = 0;
                    _final = false;
                    return;
                }
                if (_fence == null) CreateCommandObjects();
                else
                {
                    WaitForQueue();          // all work submitted so far, the engine's frames too, is done with the old texture
                    ReleaseTextureObjects();
                }
                try
                {
                    CreateTextureObjects(layout);
                }
                catch
                {
                    ReleaseTextureObjects();
                    throw;
                }
                _layout = layout;
                _written = false;
                _version = 0;
                _final = false;
            }
        }

        public void Write(TextureUpdate update)
        {
            if (update is null) throw new ArgumentNullException(nameof(update));
            lock (_gate)
            {
                ThrowIfDisposed();
                var layout = _layout ?? throw new InvalidOperationException("Write before Allocate: the job allocates the target first.");
                if (update.Layout.Width != layout.Width || update.Layout.Height != layout.Height || update.Layout.ByteSize != layout.ByteSize)
                    throw new ArgumentException($"The update is {update.Layout}; this target holds {layout}.", nameof(update));

                WaitForFence(_fenceValue);   // the previous upload has been read: its buffer may be overwritten
                UploadFootprint.CopyRows(update.Data.Span, layout, _placements, new Span<byte>(_mapped, _uploadBytes));

                Check(_allocator->Reset(), "ID3D12CommandAllocator::Reset");
                Check(_list->Reset(_allocator, (ID3D12PipelineState*)null), "ID3D12GraphicsCommandList::Reset");
                if (_written) Transition(ResourceStates.ResourceStatePixelShaderResource, ResourceStates.ResourceStateCopyDest);
                for (int level = 0; level < layout.MipCount; level++)
                {
                    var destination = new TextureCopyLocation { PResource = _texture, Type = TextureCopyType.TextureCopyTypeSubresourceIndex };
                    destination.SubresourceIndex = (uint)level;       // one array slice: subresource = mip
                    var source = new TextureCopyLocation { PResource = _upload, Type = TextureCopyType.TextureCopyTypePlacedFootprint };
                    source.PlacedFootprint = _footprints[level];
                    _list->CopyTextureRegion(&destination, 0, 0, 0, &source, (Box*)null);
                }
                Transition(ResourceStates.ResourceStateCopyDest, ResourceStates.ResourceStatePixelShaderResource);
                Check(_list->Close(), "ID3D12GraphicsCommandList::Close");

                var list = (ID3D12CommandList*)_list;
                _queue->ExecuteCommandLists(1, &list);
                _written = true;             // submitted: the texture ends in PIXEL_SHADER_RESOURCE
                Check(_queue->Signal(_fence, _fenceValue + 1), "ID3D12CommandQueue::Signal");
                _fenceValue++;
                _version++;
                _final = update.IsFinal;
            }
        }

        /// <summary>Waits for all work submitted to the queue so far (so for the last upload), then releases everything.</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                try
                {
                    if (_fence != null) WaitForQueue();
                }
                finally
                {
                    ReleaseTextureObjects();
                    ReleaseCommandObjects();
                    Release(ref _queue);
                    Release(ref _device);
                }
            }
        }

        private void CreateCommandObjects()
        {
            try
            {
                CreateCommandObjectsOrThrow();
            }
            catch
            {
                ReleaseCommandObjects();
                throw;
            }
        }

        private void CreateCommandObjectsOrThrow()
        {
            void* p = null;
            Guid iid = ID3D12CommandAllocator.Guid;
            Check(_device->CreateCommandAllocator(CommandListType.CommandListTypeDirect, &iid, &p), "ID3D12Device::CreateCommandAllocator");
            _allocator = (ID3D12CommandAllocator*)p;

            p = null;
            iid = ID3D12GraphicsCommandList.Guid;
            Check(_device->CreateCommandList(0, CommandListType.CommandListTypeDirect, _allocator, (ID3D12PipelineState*)null, &iid, &p), "ID3D12Device::CreateCommandList");
            _list = (ID3D12GraphicsCommandList*)p;
            Check(_list->Close(), "ID3D12GraphicsCommandList::Close");   // created recording; Write resets it

            p = null;
            iid = ID3D12Fence.Guid;
            Check(_device->CreateFence(0, FenceFlags.FenceFlagNone, &iid, &p), "ID3D12Device::CreateFence");
            _fence = (ID3D12Fence*)p;
            _fenceValue = 0;
        }

        private void CreateTextureObjects(TextureLayout layout)
        {
            var textureDesc = new ResourceDesc
            {
                Dimension = ResourceDimension.ResourceDimensionTexture2D,
                Alignment = 0,
                Width = (ulong)layout.Width,
                Height = (uint)layout.Height,
                DepthOrArraySize = 1,
                MipLevels = checked((ushort)layout.MipCount),
                Format = Format,
                SampleDesc = new SampleDesc { Count = 1, Quality = 0 },
                Layout = Silk.NET.Direct3D12.TextureLayout.TextureLayoutUnknown,
                Flags = ResourceFlags.ResourceFlagNone,
            };
            var defaultHeap = new HeapProperties { Type = HeapType.HeapTypeDefault, CreationNodeMask = 1, VisibleNodeMask = 1 };
            void* p = null;
            Guid iid = ID3D12Resource.Guid;
            Check(_device->CreateCommittedResource(&defaultHeap, HeapFlags.HeapFlagNone, &textureDesc, ResourceStates.ResourceStateCopyDest, (ClearValue*)null, &iid, &p),
                $"ID3D12Device::CreateCommittedResource (texture {layout.Width}x{layout.Height} {Format}, {layout.MipCount} mip(s))");
            _texture = (ID3D12Resource*)p;

            int mips = layout.MipCount;
            var footprints = new PlacedSubresourceFootprint[mips];
            var rowCounts = new uint[mips];
            var rowSizes = new ulong[mips];
            ulong totalBytes = 0;
            fixed (PlacedSubresourceFootprint* pFootprints = footprints)
            fixed (uint* pRows = rowCounts)
            fixed (ulong* pRowSizes = rowSizes)
                _device->GetCopyableFootprints(&textureDesc, 0, (uint)mips, 0, pFootprints, pRows, pRowSizes, &totalBytes);
            if (totalBytes == 0 || totalBytes == ulong.MaxValue)
                throw new InvalidOperationException($"ID3D12Device::GetCopyableFootprints rejected the texture description ({layout}).");
            if (totalBytes > int.MaxValue)
                throw new NotSupportedException($"{layout} needs a {totalBytes}-byte upload buffer; at most {int.MaxValue} is supported.");
            var placements = new UploadFootprint.Placement[mips];
            for (int level = 0; level < mips; level++)
            {
                // Uncompressed formats: one row of texels per row, as the packed layout has it.
                if (rowCounts[level] != (uint)layout.MipHeight(level) || rowSizes[level] != (ulong)layout.RowPitch(level))
                    throw new InvalidOperationException($"GetCopyableFootprints gave level {level} {rowCounts[level]} rows of {rowSizes[level]} bytes; " +
                        $"the layout has {layout.MipHeight(level)} rows of {layout.RowPitch(level)}.");
                placements[level] = new UploadFootprint.Placement((long)footprints[level].Offset, (int)footprints[level].Footprint.RowPitch);
            }

            var bufferDesc = new ResourceDesc
            {
                Dimension = ResourceDimension.ResourceDimensionBuffer,
                Alignment = 0,
                Width = totalBytes,
                Height = 1,
                DepthOrArraySize = 1,
                MipLevels = 1,
                Format = Silk.NET.DXGI.Format.FormatUnknown,
                SampleDesc = new SampleDesc { Count = 1, Quality = 0 },
                Layout = Silk.NET.Direct3D12.TextureLayout.TextureLayoutRowMajor,
                Flags = ResourceFlags.ResourceFlagNone,
            };
            var uploadHeap = new HeapProperties { Type = HeapType.HeapTypeUpload, CreationNodeMask = 1, VisibleNodeMask = 1 };
            p = null;
            Check(_device->CreateCommittedResource(&uploadHeap, HeapFlags.HeapFlagNone, &bufferDesc, ResourceStates.ResourceStateGenericRead, (ClearValue*)null, &iid, &p),
                $"ID3D12Device::CreateCommittedResource (upload buffer, {totalBytes} bytes)");
            _upload = (ID3D12Resource*)p;

            var noRead = default(D3D12Range);   // End <= Begin: the CPU does not read the buffer
            void* mapped = null;
            Check(_upload->Map(0, &noRead, &mapped), "ID3D12Resource::Map (upload buffer)");
            _mapped = (byte*)mapped;            // stays mapped (allowed for upload heaps) until the buffer is released
            _uploadBytes = (int)totalBytes;
            _footprints = footprints;
            _placements = placements;
        }

        private void ReleaseTextureObjects()
        {
            if (_upload != null && _mapped != null) _upload->Unmap(0, (D3D12Range*)null);
            _mapped = null;
            _uploadBytes = 0;
            Release(ref _upload);
            Release(ref _texture);
            _footprints = Array.Empty<PlacedSubresourceFootprint>();
            _placements = Array.Empty<UploadFootprint.Placement>();
            _layout = null;
            _written = false;
        }

        private void Transition(ResourceStates before, ResourceStates after)
        {
            var barrier = new ResourceBarrier { Type = ResourceBarrierType.ResourceBarrierTypeTransition, Flags = ResourceBarrierFlags.ResourceBarrierFlagNone };
            barrier.Transition = new ResourceTransitionBarrier
            {
                PResource = _texture,
                Subresource = AllSubresources,
                StateBefore = before,
                StateAfter = after,
            };
            _list->ResourceBarrier(1, &barrier);
        }

        /// <summary>Signals the fence after everything submitted to the queue so far and waits for it.</summary>
        private void WaitForQueue()
        {
            Check(_queue->Signal(_fence, _fenceValue + 1), "ID3D12CommandQueue::Signal");
            _fenceValue++;
            WaitForFence(_fenceValue);
        }

        private void WaitForFence(ulong value)
        {
            ulong completed = _fence->GetCompletedValue();
            if (completed == ulong.MaxValue)   // what a removed device reports (this target never signals that value)
                throw new D3D12Exception("ID3D12Fence::GetCompletedValue", DxgiErrorDeviceRemoved, _device->GetDeviceRemovedReason());
            if (completed >= value) return;
            // A null event handle makes the call block until the fence reaches the value.
            Check(_fence->SetEventOnCompletion(value, null), "ID3D12Fence::SetEventOnCompletion");
        }

        /// <summary>Throws a <see cref="D3D12Exception"/> naming <paramref name="call"/> when <paramref name="hr"/> is a failure.</summary>
        private void Check(int hr, string call)
        {
            if (hr >= 0) return;
            int reason = hr == DxgiErrorDeviceRemoved && _device != null ? _device->GetDeviceRemovedReason() : 0;
            throw new D3D12Exception(call, hr, reason);
        }

        private void ReleaseCommandObjects()
        {
            Release(ref _list);
            Release(ref _allocator);
            Release(ref _fence);
            _fenceValue = 0;
        }

        /// <summary>Releases one COM reference and clears the field.</summary>
        private static void Release<T>(ref T* pointer) where T : unmanaged
        {
            if (pointer == null) return;
            ((IUnknown*)pointer)->Release();
            pointer = null;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(D3D12TextureTarget));
        }
    }

    /// <summary>A Direct3D 12 call failed: <see cref="Exception.HResult"/> is its HRESULT.</summary>
    public sealed class D3D12Exception : Exception
    {
        /// <summary>The call that failed, e.g. "ID3D12Device::CreateCommittedResource (texture …)".</summary>
        public string Call { get; }
        /// <summary>GetDeviceRemovedReason when the call failed with DXGI_ERROR_DEVICE_REMOVED, else 0.</summary>
        public int DeviceRemovedReason { get; }

        public D3D12Exception(string call, int hresult, int deviceRemovedReason = 0)
            : base($"{call} failed with HRESULT 0x{hresult:X8}" +
                   (deviceRemovedReason != 0 ? $" (device removed, reason 0x{deviceRemovedReason:X8})" : "") + ".")
        {
            Call = call;
            HResult = hresult;
            DeviceRemovedReason = deviceRemovedReason;
        }
    }
}
