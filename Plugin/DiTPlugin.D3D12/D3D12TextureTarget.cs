using System;
using System.Threading;
using DiTPlugin.D3D12.Interop;
using DiTPlugin.Textures;
using Range = DiTPlugin.D3D12.Interop.Range;

namespace DiTPlugin.D3D12
{
    /// <summary>
    /// Streams a generation into a Direct3D 12 texture on the engine's device and DIRECT queue (or a
    /// <see cref="D3D12HeadlessDevice"/>): a committed default-heap Texture2D with the layout's mips, filled from one
    /// upload-heap buffer laid out by GetCopyableFootprints, mapped once and reused by every <see cref="Write"/>.
    /// <para>
    /// <see cref="Allocate"/> creates the texture (or keeps it when the shape is unchanged, so the engine's SRV stays
    /// valid) and uploads mid-grey to every level, so the texture can be sampled from then on. Each
    /// <see cref="Write"/> waits only if the previous upload is still running (its buffer and command allocator are
    /// about to be reused; <see cref="BlockingWaits"/> counts the times it had to), copies the rows into the pitched
    /// buffer, and submits PIXEL_SHADER_RESOURCE → COPY_DEST, one CopyTextureRegion per mip, COPY_DEST →
    /// PIXEL_SHADER_RESOURCE, then signals its fence; it returns without waiting for the GPU. Between calls the texture
    /// is in PIXEL_SHADER_RESOURCE: an engine that moves it to another state must move it back before the next call
    /// (the barriers' before-states assume it).
    /// </para>
    /// <para>
    /// Failures: every failing HRESULT throws a <see cref="D3D12Exception"/> naming the call (with
    /// GetDeviceRemovedReason when the device is gone). No wait is unbounded: a fence that has not reached its value
    /// after <see cref="FenceTimeout"/> throws instead of hanging, and a target whose Signal failed signals again
    /// before anything waits on it. Rows are uploaded as given: the data's first row becomes texture row 0 (the top,
    /// v = 0, with the default <see cref="RowOrder.TopDown"/>). Calls are serialised by a lock; they record and submit
    /// on the calling thread (the job's), which D3D12 allows.
    /// </para>
    /// </summary>
    public sealed unsafe class D3D12TextureTarget : ITextureTarget, IDisposable
    {
        private readonly object _gate = new object();
        private readonly FenceWaiter _waiter;
        private D3D12Device _device;
        private D3D12CommandQueue _queue;
        private D3D12CommandAllocator _allocator;
        private D3D12GraphicsCommandList _list;
        private D3D12Fence _fence;
        private ulong _fenceValue;              // the last value this target signalled on the queue
        private bool _submittedWithoutSignal;   // work was submitted but its Signal failed: signal before waiting on anything

        private D3D12Resource _texture;
        private ResourceStates _textureState;   // the state the last submitted barrier left the texture in
        private D3D12Resource _upload;
        private byte* _mapped;
        private int _uploadBytes;
        private PlacedSubresourceFootprint[] _footprints = Array.Empty<PlacedSubresourceFootprint>();
        private UploadFootprint.Placement[] _placements = Array.Empty<UploadFootprint.Placement>();

        private TextureLayout? _layout;
        private long _version;
        private bool _final;
        private long _blockingWaits;
        private bool _disposed;
        private TimeSpan _fenceTimeout = TimeSpan.FromSeconds(10);

        public TextureSettings Settings { get; }
        /// <summary>The texture's DXGI format, for the engine's SRV (from <see cref="Settings"/>).</summary>
        public DxgiFormat Format { get; }
        /// <summary>The layout, once allocated.</summary>
        public TextureLayout? Layout { get { lock (_gate) return _layout; } }
        /// <summary>Counts writes since the last Allocate; 0 while the texture is still the grey placeholder.</summary>
        public long Version { get { lock (_gate) return _version; } }
        /// <summary>Whether the newest write was the finished image.</summary>
        public bool IsFinal { get { lock (_gate) return _final; } }
        /// <summary>
        /// ID3D12Resource* of the texture (zero before Allocate). Owned by the target: AddRef it to keep it past
        /// <see cref="Dispose"/> or an Allocate to another size, which replaces it.
        /// </summary>
        public IntPtr Resource { get { lock (_gate) return (IntPtr)_texture.Pointer; } }
        /// <summary>ID3D12Resource* of the upload buffer every write reuses (zero before Allocate); for tests and diagnostics.</summary>
        public IntPtr UploadBuffer { get { lock (_gate) return (IntPtr)_upload.Pointer; } }
        /// <summary>How many times a call found the previous GPU work unfinished and had to wait for it (readable while one waits).</summary>
        public long BlockingWaits => Interlocked.Read(ref _blockingWaits);

        /// <summary>The longest any wait on the GPU may take before it throws (<see cref="D3D12Exception.WaitTimeout"/>). Default 10 s.</summary>
        public TimeSpan FenceTimeout
        {
            get { lock (_gate) return _fenceTimeout; }
            set
            {
                if (value <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(value), value, "The fence timeout must be positive.");
                lock (_gate) _fenceTimeout = value;
            }
        }

        /// <summary>
        /// Test seam: asked before each checked D3D12 call with the call's name; a non-null HRESULT is used instead of
        /// making the call (the runtime refusing it, a device removed at that moment).
        /// </summary>
        internal Func<string, int?>? InjectFailure { get; set; }
        /// <summary>The target's fence and the last value it signalled (for tests that play a slow or lost GPU).</summary>
        internal D3D12Fence Fence => _fence;
        internal ulong LastSignalledValue { get { lock (_gate) return _fenceValue; } }

        /// <summary>
        /// A target on an engine's device (ID3D12Device*) and DIRECT command queue (ID3D12CommandQueue*), e.g. what
        /// Unity's IUnityGraphicsD3D12v7 GetDevice()/GetCommandQueue() return. The engine keeps its references; the
        /// target AddRefs both and releases them in <see cref="Dispose"/>. 64-bit processes only.
        /// </summary>
        public D3D12TextureTarget(IntPtr device, IntPtr directQueue, TextureSettings? settings = null)
        {
            D3D12Library.EnsurePlatform();
            if (device == IntPtr.Zero) throw new ArgumentNullException(nameof(device));
            if (directQueue == IntPtr.Zero) throw new ArgumentNullException(nameof(directQueue));
            Settings = settings ?? new TextureSettings();
            Format = DxgiFormats.Of(Settings);

            var queue = new D3D12CommandQueue(directQueue);
            var queueType = queue.GetDesc().Type;
            if (queueType != CommandListType.Direct)
                throw new ArgumentException($"The queue is a {queueType} queue; the target needs a DIRECT queue (its barriers name PIXEL_SHADER_RESOURCE).", nameof(directQueue));
            int hr = DeviceChild.GetDevice(directQueue, out nint queueDevice);
            if (hr < 0) throw new D3D12Exception("ID3D12CommandQueue::GetDevice", hr);
            bool sameDevice = Unknown.Identity(queueDevice) == Unknown.Identity(device);
            Unknown.Release(queueDevice);
            if (!sameDevice) throw new ArgumentException("The command queue belongs to another device than the one given.", nameof(directQueue));

            Unknown.AddRef(device);
            Unknown.AddRef(directQueue);
            _device = new D3D12Device(device);
            _queue = queue;
            _waiter = new FenceWaiter();
            try
            {
                CreateCommandObjects();
            }
            catch
            {
                ReleaseAll();
                _waiter.Dispose();
                throw;
            }
        }

        /// <summary>A target on a headless device's device and queue.</summary>
        public D3D12TextureTarget(D3D12HeadlessDevice device, TextureSettings? settings = null)
            : this((device ?? throw new ArgumentNullException(nameof(device))).Device, device.Queue, settings)
        {
        }

        /// <summary>
        /// Creates the texture and upload buffer for <paramref name="layout"/> (keeping them when the shape is
        /// unchanged) and uploads mid-grey to every level. Replacing the texture first waits for all work submitted to
        /// the queue so far, the engine's frames included, so none still uses the old one.
        /// </summary>
        public void Allocate(TextureLayout layout)
        {
            if (layout is null) throw new ArgumentNullException(nameof(layout));
            if (!SameSettings(layout.Settings, Settings))
                throw new ArgumentException($"The layout's settings ({layout.Settings}) are not this target's ({Settings}).", nameof(layout));
            lock (_gate)
            {
                ThrowIfDisposed();
                if (_layout is null || !SameShape(_layout, layout))
                {
                    if (_texture.Pointer != 0)
                    {
                        WaitForQueue("the last use of the old texture");
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
                }
                _layout = layout;
                _version = 0;
                _final = false;
                WaitForPreviousSubmission("the previous upload");
                PlaceholderTexels.FillMidGrey(new Span<byte>(_mapped, _uploadBytes - _uploadBytes % layout.BytesPerTexel), layout.Format);
                SubmitUpload();
            }
        }

        /// <summary>Copies the update into the upload buffer and submits the copy of all levels; returns without waiting for the GPU.</summary>
        public void Write(TextureUpdate update)
        {
            if (update is null) throw new ArgumentNullException(nameof(update));
            lock (_gate)
            {
                ThrowIfDisposed();
                var layout = _layout ?? throw new InvalidOperationException("Write before Allocate: the job allocates the target first.");
                if (!SameShape(update.Layout, layout) || update.Layout.Settings.ColorSpace != layout.Settings.ColorSpace)
                    throw new ArgumentException($"The update is {update.Layout}; this target holds {layout}. Allocate the target with the new layout first.", nameof(update));
                WaitForPreviousSubmission("the previous upload");
                UploadFootprint.CopyRows(update.Data.Span, layout, _placements, new Span<byte>(_mapped, _uploadBytes));
                SubmitUpload();
                _version++;
                _final = update.IsFinal;
            }
        }

        /// <summary>
        /// Every level read back from the texture through a readback-heap buffer, in <see cref="TextureLayout"/> order
        /// (level 0 first, tightly packed). Waits for the GPU: for tests, screenshots and the demo, not per frame.
        /// </summary>
        public byte[] ReadBack()
        {
            lock (_gate)
            {
                ThrowIfDisposed();
                var layout = _layout ?? throw new InvalidOperationException("ReadBack before Allocate: there is no texture yet.");
                WaitForPreviousSubmission("the previous upload");   // the command allocator is about to be reset
                var heap = new HeapProperties(HeapType.Readback);   // readback-heap resources start (and stay) in COPY_DEST
                D3D12Resource readback = default;
                Check(Inject("ID3D12Device::CreateCommittedResource") ?? _device.CreateCommittedResource(heap, ResourceDesc.Buffer((ulong)_uploadBytes),
                    ResourceStates.CopyDest, out readback), $"ID3D12Device::CreateCommittedResource (readback buffer, {_uploadBytes} bytes)");
                bool gpuDone = false;
                try
                {
                    var texture = _texture.Pointer;
                    var footprints = _footprints;
                    Submit(list =>
                    {
                        Transition(list, ResourceStates.CopySource);
                        for (int level = 0; level < footprints.Length; level++)
                            list.CopyTextureRegion(TextureCopyLocation.Footprint(readback.Pointer, footprints[level]), TextureCopyLocation.Subresource(texture, level));
                        Transition(list, ResourceStates.PixelShaderResource);
                    });
                    WaitForPreviousSubmission("the readback copy");
                    gpuDone = true;
                    byte* data = null;
                    Check(Inject("ID3D12Resource::Map") ?? readback.Map(new Range(0, (ulong)_uploadBytes), out data), "ID3D12Resource::Map (readback buffer)");
                    var packed = new byte[layout.ByteSize];
                    UploadFootprint.ReadRows(new ReadOnlySpan<byte>(data, _uploadBytes), layout, _placements, packed);
                    readback.Unmap(new Range(0, 0));   // nothing written
                    return packed;
                }
                finally
                {
                    // A readback buffer the GPU may still be writing (the wait failed) is kept rather than freed under it.
                    if (gpuDone || !_submittedWithoutSignal && _fence.GetCompletedValue() >= _fenceValue) Unknown.Release(readback.Pointer);
                }
            }
        }

        /// <summary>
        /// Waits (bounded) for the GPU to finish with the target's objects, then releases them and the references to
        /// the device and queue. When the wait fails the GPU may still use them: they are then kept (leaked), not
        /// freed under it, and the failure is thrown, except for a removed device, where nothing runs any more and
        /// everything is released quietly.
        /// </summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed) return;
                _disposed = true;
                D3D12Exception? failure = null;
                try
                {
                    WaitForQueue("the target's last GPU work before Dispose");
                }
                catch (D3D12Exception e)
                {
                    failure = e;
                }
                if (failure != null && !failure.IsDeviceRemoved)
                    throw new D3D12Exception(failure.Call, failure.HResult,
                        "Dispose kept the texture, buffers and command objects (not released) because the GPU may still use them", false, 0);
                ReleaseAll();
                _waiter.Dispose();
            }
        }

        private void CreateCommandObjects()
        {
            Check(Inject("ID3D12Device::CreateCommandAllocator") ?? _device.CreateCommandAllocator(CommandListType.Direct, out _allocator),
                "ID3D12Device::CreateCommandAllocator (DIRECT)");
            Check(Inject("ID3D12Device::CreateCommandList") ?? _device.CreateCommandList(CommandListType.Direct, _allocator, out _list),
                "ID3D12Device::CreateCommandList (DIRECT)");
            Check(Inject("ID3D12GraphicsCommandList::Close") ?? _list.Close(), "ID3D12GraphicsCommandList::Close");   // created recording; each submission resets it
            Check(Inject("ID3D12Device::CreateFence") ?? _device.CreateFence(0, out _fence), "ID3D12Device::CreateFence");
            _fenceValue = 0;
        }

        private void CreateTextureObjects(TextureLayout layout)
        {
            var textureDesc = ResourceDesc.Texture2D(layout.Width, layout.Height, layout.MipCount, Format);
            Check(Inject("ID3D12Device::CreateCommittedResource") ?? _device.CreateCommittedResource(new HeapProperties(HeapType.Default), textureDesc,
                ResourceStates.CopyDest, out _texture), $"ID3D12Device::CreateCommittedResource (texture {layout.Width}x{layout.Height} {Format}, {layout.MipCount} mip(s))");
            _textureState = ResourceStates.CopyDest;

            int mips = layout.MipCount;
            var footprints = new PlacedSubresourceFootprint[mips];
            var rowCounts = new uint[mips];
            var rowSizes = new ulong[mips];
            _device.GetCopyableFootprints(textureDesc, 0, footprints, rowCounts, rowSizes, out ulong totalBytes);
            if (totalBytes == 0 || totalBytes == ulong.MaxValue)
                throw new D3D12Exception("ID3D12Device::GetCopyableFootprints", HResults.EInvalidArg, $"the runtime rejected the texture description ({layout})");
            if (totalBytes > int.MaxValue)
                throw new NotSupportedException($"{layout} needs a {totalBytes}-byte upload buffer; at most {int.MaxValue} bytes are supported.");
            var placements = new UploadFootprint.Placement[mips];
            for (int level = 0; level < mips; level++)
            {
                // Uncompressed formats: one row of texels per footprint row, as the packed layout has it.
                if (rowCounts[level] != (uint)layout.MipHeight(level) || rowSizes[level] != (ulong)layout.RowPitch(level))
                    throw new InvalidOperationException($"GetCopyableFootprints gave level {level} {rowCounts[level]} rows of {rowSizes[level]} bytes; " +
                                                        $"the layout has {layout.MipHeight(level)} rows of {layout.RowPitch(level)}.");
                placements[level] = new UploadFootprint.Placement((long)footprints[level].Offset, (int)footprints[level].Footprint.RowPitch);
            }

            Check(Inject("ID3D12Device::CreateCommittedResource") ?? _device.CreateCommittedResource(new HeapProperties(HeapType.Upload), ResourceDesc.Buffer(totalBytes),
                ResourceStates.GenericRead, out _upload), $"ID3D12Device::CreateCommittedResource (upload buffer, {totalBytes} bytes)");
            // Stays mapped (allowed for upload heaps) until the buffer is released; the CPU never reads it (empty range).
            Check(Inject("ID3D12Resource::Map") ?? _upload.Map(new Range(0, 0), out _mapped), "ID3D12Resource::Map (upload buffer)");
            _uploadBytes = (int)totalBytes;
            _footprints = footprints;
            _placements = placements;
        }

        /// <summary>Records and submits the copy of every level from the upload buffer into the texture.</summary>
        private void SubmitUpload()
        {
            var texture = _texture.Pointer;
            var upload = _upload.Pointer;
            var footprints = _footprints;
            Submit(list =>
            {
                Transition(list, ResourceStates.CopyDest);
                for (int level = 0; level < footprints.Length; level++)   // one array slice: subresource = mip
                    list.CopyTextureRegion(TextureCopyLocation.Subresource(texture, level), TextureCopyLocation.Footprint(upload, footprints[level]));
                Transition(list, ResourceStates.PixelShaderResource);
            });
        }

        private delegate void Recorder(D3D12GraphicsCommandList list);

        private ResourceStates _recordedState;   // the texture's state at the point of recording
        private bool _listMayBeRecording;

        /// <summary>
        /// Resets the allocator and list, records, closes, executes and signals. The caller has waited for the previous
        /// submission (the allocator may only be reset once the GPU is done with it). The texture's state is taken as
        /// changed only once the list has been submitted: a failed Close leaves it where it was.
        /// </summary>
        private void Submit(Recorder record)
        {
            // A list left recording by a failure after its Reset (a Close that failed, or was never reached) blocks
            // the allocator's Reset: close it first, discarding what it holds (an error on an already closed list is fine).
            if (_listMayBeRecording) _list.Close();
            _listMayBeRecording = false;
            Check(Inject("ID3D12CommandAllocator::Reset") ?? _allocator.Reset(), "ID3D12CommandAllocator::Reset");
            Check(Inject("ID3D12GraphicsCommandList::Reset") ?? _list.Reset(_allocator), "ID3D12GraphicsCommandList::Reset");
            _listMayBeRecording = true;
            _recordedState = _textureState;
            record(_list);
            Check(Inject("ID3D12GraphicsCommandList::Close") ?? _list.Close(), "ID3D12GraphicsCommandList::Close");
            _listMayBeRecording = false;
            _queue.ExecuteCommandList(_list);
            _textureState = _recordedState;
            _submittedWithoutSignal = true;
            SignalQueue();
        }

        /// <summary>Records a transition of every subresource from the state recorded so far to <paramref name="to"/>.</summary>
        private void Transition(D3D12GraphicsCommandList list, ResourceStates to)
        {
            if (_recordedState == to) return;
            list.ResourceBarrier(ResourceBarrier.TransitionAll(_texture.Pointer, _recordedState, to));
            _recordedState = to;
        }

        private void SignalQueue()
        {
            Check(Inject("ID3D12CommandQueue::Signal") ?? _queue.Signal(_fence, _fenceValue + 1), "ID3D12CommandQueue::Signal");
            _fenceValue++;
            _submittedWithoutSignal = false;
        }

        /// <summary>Signals after everything submitted to the queue so far (the engine's work too) and waits for it.</summary>
        private void WaitForQueue(string purpose)
        {
            if (_fence.Pointer == 0) return;
            SignalQueue();
            WaitForFence(_fenceValue, purpose);
        }

        /// <summary>Waits for this target's last submission, signalling it first if its own Signal had failed.</summary>
        private void WaitForPreviousSubmission(string purpose)
        {
            if (_submittedWithoutSignal) SignalQueue();
            WaitForFence(_fenceValue, purpose);
        }

        private void WaitForFence(ulong value, string purpose)
        {
            ulong completed = _fence.GetCompletedValue();
            if (completed == ulong.MaxValue) throw DeviceRemovedByFence();   // this target never signals UINT64_MAX itself
            if (completed >= value) return;
            Interlocked.Increment(ref _blockingWaits);
            bool reached = _waiter.Wait(_fence, value, _fenceTimeout, out completed, out int hr);
            if (completed == ulong.MaxValue) throw DeviceRemovedByFence();
            if (hr < 0) Check(hr, "ID3D12Fence::SetEventOnCompletion");
            if (!reached)
                throw new D3D12Exception($"Waiting for {purpose} (ID3D12Fence value {value})", HResults.WaitTimeout,
                    $"the fence is at {completed} after {_fenceTimeout.TotalSeconds:0.###} s; the GPU is hung or the queue is blocked by other work");
        }

        private D3D12Exception DeviceRemovedByFence() =>
            new D3D12Exception("ID3D12Fence::GetCompletedValue", HResults.DeviceRemoved, "the fence reads UINT64_MAX, as the fences of a removed device do",
                true, _device.GetDeviceRemovedReason());

        private int? Inject(string call) => InjectFailure?.Invoke(call);

        /// <summary>Throws a <see cref="D3D12Exception"/> naming <paramref name="call"/> when <paramref name="hr"/> is a failure.</summary>
        private void Check(int hr, string call)
        {
            if (hr >= 0) return;
            bool removed = hr == HResults.DeviceRemoved || hr == HResults.DeviceHung || hr == HResults.DeviceReset;
            throw new D3D12Exception(call, hr, null, removed, removed ? _device.GetDeviceRemovedReason() : 0);
        }

        private void ReleaseTextureObjects()
        {
            if (_upload.Pointer != 0 && _mapped != null) _upload.Unmap(new Range(0, 0));
            _mapped = null;
            _uploadBytes = 0;
            var upload = _upload.Pointer;
            var texture = _texture.Pointer;
            Unknown.Release(ref upload);
            Unknown.Release(ref texture);
            _upload = default;
            _texture = default;
            _footprints = Array.Empty<PlacedSubresourceFootprint>();
            _placements = Array.Empty<UploadFootprint.Placement>();
            _layout = null;
        }

        private void ReleaseAll()
        {
            ReleaseTextureObjects();
            foreach (var p in new[] { _list.Pointer, _allocator.Pointer, _fence.Pointer, _queue.Pointer, _device.Pointer })
                if (p != 0) Unknown.Release(p);
            _list = default;
            _allocator = default;
            _fence = default;
            _queue = default;
            _device = default;
        }

        private void ThrowIfDisposed()
        {
            if (_disposed) throw new ObjectDisposedException(nameof(D3D12TextureTarget));
        }

        /// <summary>Same bytes per level: size, texel format and mip count (row order only changes what the bytes mean).</summary>
        private static bool SameShape(TextureLayout a, TextureLayout b) =>
            a.Width == b.Width && a.Height == b.Height && a.Format == b.Format && a.MipCount == b.MipCount;

        private static bool SameSettings(TextureSettings a, TextureSettings b) =>
            a.Format == b.Format && a.ColorSpace == b.ColorSpace && a.RowOrder == b.RowOrder && a.Mipmaps == b.Mipmaps;
    }
}
