using System;
using System.Collections.Generic;
using System.Numerics;
using System.Threading;
using DiTPlugin.Vulkan;
using Silk.NET.Vulkan;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// The scene drawn by Vulkan into an offscreen frame and read back: the textures are the generation targets
    /// themselves, so what the demo shows is exactly what an engine would sample. Each Render records one command
    /// buffer (clear, one draw per quad, copy out), submits it and waits, so no resource is shared between frames in
    /// flight. The targets' SyncRoots are held during the frame: a generation may Write meanwhile only between frames.
    /// </summary>
    public sealed unsafe class VulkanSceneRenderer : ISceneRenderer
    {
        private readonly VulkanDevice _device;
        private readonly IReadOnlyList<VulkanTextureTarget> _textures;
        private readonly SceneFramebuffer _frame;
        private readonly ScenePipeline _pipeline;
        private readonly TextureBindings _bindings;
        private readonly VulkanBuffer _readback;
        private VulkanBuffer? _vertices;
        private float[] _vertexScratch = Array.Empty<float>();
        private bool _disposed;

        public string Name => $"Vulkan ({_device.DeviceName})";
        public int Width { get; }
        public int Height { get; }

        public VulkanSceneRenderer(VulkanDevice device, int width, int height, IReadOnlyList<VulkanTextureTarget> textures)
        {
            _device = device ?? throw new ArgumentNullException(nameof(device));
            _textures = textures ?? throw new ArgumentNullException(nameof(textures));
            if (width < 1 || height < 1 || width > 16384 || height > 16384)
                throw new ArgumentOutOfRangeException(nameof(width), $"Frame size {width}x{height} must be within 1x1..16384x16384.");
            for (int i = 0; i < textures.Count; i++)
                if (textures[i] is null) throw new ArgumentException($"Texture {i} of {textures.Count} is null.", nameof(textures));
            Width = width;
            Height = height;
            try
            {
                _frame = new SceneFramebuffer(device, (uint)width, (uint)height);
                _pipeline = new ScenePipeline(device, _frame.RenderPass, (uint)width, (uint)height);
                _bindings = new TextureBindings(device, textures, _pipeline.SetLayout);
                _readback = new VulkanBuffer(device, (ulong)width * (ulong)height * 4, BufferUsageFlags.TransferDstBit,
                    MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, map: true);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public byte[] Render(Matrix4x4 viewProjection, IReadOnlyList<SceneQuad> quads, Vector4 clearLinear)
        {
            if (quads is null) throw new ArgumentNullException(nameof(quads));
            if (_disposed) throw new ObjectDisposedException(nameof(VulkanSceneRenderer));
            for (int i = 0; i < quads.Count; i++)
                if (quads[i].Texture < 0 || quads[i].Texture >= _textures.Count)
                    throw new ArgumentOutOfRangeException(nameof(quads), quads[i].Texture,
                        $"Quad {i} uses texture {quads[i].Texture}; this renderer has {_textures.Count} texture(s), valid indexes 0..{_textures.Count - 1}.");
            UploadVertices(quads);

            int locked = 0;
            try
            {
                // Hold every target so no Allocate destroys a view this frame samples; Writes wait for the frame.
                for (; locked < _textures.Count; locked++) Monitor.Enter(_textures[locked].SyncRoot);
                _bindings.Update();
                _device.SubmitAndWait(cb => Record(cb, viewProjection, quads, clearLinear));
            }
            finally
            {
                for (int i = locked - 1; i >= 0; i--) Monitor.Exit(_textures[i].SyncRoot);
            }
            return _readback.AsSpan().ToArray();
        }

        private void Record(CommandBuffer cb, Matrix4x4 viewProjection, IReadOnlyList<SceneQuad> quads, Vector4 clearLinear)
        {
            var vk = _device.Api;
            var clears = stackalloc ClearValue[2];
            // The attachment is sRGB: a float clear colour is linear light and gets encoded on store.
            clears[0].Color = new ClearColorValue(clearLinear.X, clearLinear.Y, clearLinear.Z, clearLinear.W);
            clears[1].DepthStencil = new ClearDepthStencilValue(1f, 0);   // far
            var begin = new RenderPassBeginInfo
            {
                SType = StructureType.RenderPassBeginInfo,
                RenderPass = _frame.RenderPass,
                Framebuffer = _frame.Framebuffer,
                RenderArea = new Rect2D(new Offset2D(0, 0), new Extent2D(_frame.Width, _frame.Height)),
                ClearValueCount = 2,
                PClearValues = clears,
            };
            vk.CmdBeginRenderPass(cb, &begin, SubpassContents.Inline);
            if (quads.Count > 0)
            {
                vk.CmdBindPipeline(cb, PipelineBindPoint.Graphics, _pipeline.Pipeline);
                var buffer = _vertices!.Handle;
                ulong offset = 0;
                vk.CmdBindVertexBuffers(cb, 0, 1, &buffer, &offset);
                var push = new ScenePushConstants { ViewProjection = viewProjection };
                for (int i = 0; i < quads.Count; i++)
                {
                    var set = _bindings[quads[i].Texture];
                    vk.CmdBindDescriptorSets(cb, PipelineBindPoint.Graphics, _pipeline.Layout, 0, 1, &set, 0, null);
                    push.Shade = quads[i].Shade;
                    vk.CmdPushConstants(cb, _pipeline.Layout, ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, ScenePipeline.PushConstantSize, &push);
                    vk.CmdDraw(cb, SceneVertices.VerticesPerQuad, 1, (uint)(i * SceneVertices.VerticesPerQuad), 0);
                }
            }
            vk.CmdEndRenderPass(cb);

            // The render pass left the colour image in TRANSFER_SRC; rows come out top first, tightly packed.
            var region = new BufferImageCopy
            {
                BufferOffset = 0,
                ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                ImageExtent = new Extent3D(_frame.Width, _frame.Height, 1),
            };
            vk.CmdCopyImageToBuffer(cb, _frame.Color.Handle, ImageLayout.TransferSrcOptimal, _readback.Handle, 1, &region);
            VulkanBarriers.TransferToHost(vk, cb);
        }

        /// <summary>Writes the quads' vertices into a host-visible buffer, grown (doubling) when the scene outgrows it.</summary>
        private void UploadVertices(IReadOnlyList<SceneQuad> quads)
        {
            if (quads.Count == 0) return;
            int floats = quads.Count * SceneVertices.VerticesPerQuad * SceneVertices.FloatsPerVertex;
            ulong bytes = (ulong)floats * sizeof(float);
            if (_vertices is null || _vertices.Size < bytes)
            {
                // The previous frame has completed (Render waits), so the old buffer can go at once.
                ulong size = Math.Max(bytes, (_vertices?.Size ?? 0) * 2);
                _vertices?.Dispose();
                _vertices = null;
                _vertices = new VulkanBuffer(_device, size, BufferUsageFlags.VertexBufferBit,
                    MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, map: true);
            }
            if (_vertexScratch.Length < floats) _vertexScratch = new float[floats];
            SceneVertices.Fill(quads, _vertexScratch);
            new ReadOnlySpan<float>(_vertexScratch, 0, floats).CopyTo(new Span<float>((void*)_vertices.Mapped, floats));
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            lock (_device.QueueLock) _device.Api.QueueWaitIdle(_device.Queue);
            _vertices?.Dispose();
            _readback?.Dispose();
            _bindings?.Dispose();
            _pipeline?.Dispose();
            _frame?.Dispose();
        }
    }
}
