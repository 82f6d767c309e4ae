using System;
using System.Collections.Generic;
using DiTPlugin.Textures;
using DiTPlugin.Vulkan;
using Silk.NET.Vulkan;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>
    /// One descriptor set per scene texture, pointed at the texture's current view before each frame (a target that
    /// reallocates gets a new view), or at a 1x1 mid-grey placeholder while the texture has no image yet. One sampler
    /// for all: repeat addressing so Repeat tiles, linear filtering and linear blending between mip levels.
    /// </summary>
    internal sealed unsafe class TextureBindings : IDisposable
    {
        private readonly VulkanDevice _device;
        private readonly IReadOnlyList<VulkanTextureTarget> _textures;
        private readonly DescriptorSet[] _sets = Array.Empty<DescriptorSet>();
        private readonly VulkanTextureTarget _placeholder;
        private readonly Sampler _sampler;
        private readonly DescriptorPool _pool;

        public TextureBindings(VulkanDevice device, IReadOnlyList<VulkanTextureTarget> textures, DescriptorSetLayout setLayout)
        {
            _device = device;
            _textures = textures;
            // Allocate grey, never written: exactly what the contract asks for a texture without data.
            _placeholder = new VulkanTextureTarget(device, new TextureSettings(TextureFormat.Rgba8, TextureColorSpace.Srgb));
            try
            {
                _placeholder.Allocate(new TextureLayout(1, 1, _placeholder.Settings));
                (_sampler, _pool, _sets) = CreateSets(device, textures, setLayout);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        private static (Sampler, DescriptorPool, DescriptorSet[]) CreateSets(VulkanDevice device, IReadOnlyList<VulkanTextureTarget> textures, DescriptorSetLayout setLayout)
        {
            var vk = device.Api;
            var samplerInfo = new SamplerCreateInfo
            {
                SType = StructureType.SamplerCreateInfo,
                MagFilter = Filter.Linear,
                MinFilter = Filter.Linear,
                MipmapMode = SamplerMipmapMode.Linear,
                AddressModeU = SamplerAddressMode.Repeat,
                AddressModeV = SamplerAddressMode.Repeat,
                AddressModeW = SamplerAddressMode.Repeat,
                MinLod = 0,
                MaxLod = Vk.LodClampNone,
            };
            Sampler sampler;
            VulkanException.Check(vk.CreateSampler(device.Device, &samplerInfo, null, &sampler), "vkCreateSampler");

            uint count = (uint)Math.Max(1, textures.Count);
            var size = new DescriptorPoolSize(DescriptorType.CombinedImageSampler, count);
            var poolInfo = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = count, PoolSizeCount = 1, PPoolSizes = &size };
            DescriptorPool pool;
            var result = vk.CreateDescriptorPool(device.Device, &poolInfo, null, &pool);
            if (result != Result.Success)
            {
                vk.DestroySampler(device.Device, sampler, null);
                throw new VulkanException("vkCreateDescriptorPool", result);
            }

            var sets = new DescriptorSet[textures.Count];
            if (textures.Count == 0) return (sampler, pool, sets);
            var layouts = new DescriptorSetLayout[textures.Count];
            for (int i = 0; i < layouts.Length; i++) layouts[i] = setLayout;
            fixed (DescriptorSetLayout* l = layouts)
            fixed (DescriptorSet* s = sets)
            {
                var alloc = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = pool, DescriptorSetCount = (uint)layouts.Length, PSetLayouts = l };
                result = vk.AllocateDescriptorSets(device.Device, &alloc, s);
            }
            if (result != Result.Success)
            {
                vk.DestroyDescriptorPool(device.Device, pool, null);
                vk.DestroySampler(device.Device, sampler, null);
                throw new VulkanException("vkAllocateDescriptorSets", result);
            }
            return (sampler, pool, sets);
        }

        /// <summary>Points every set at its texture's current view; the caller holds the textures' SyncRoots until the frame is done.</summary>
        public void Update()
        {
            if (_sets.Length == 0) return;
            var infos = new DescriptorImageInfo[_sets.Length];
            var writes = new WriteDescriptorSet[_sets.Length];
            fixed (DescriptorImageInfo* pInfos = infos)
            {
                for (int i = 0; i < _sets.Length; i++)
                {
                    var view = _textures[i].Layout is null ? _placeholder.View : _textures[i].View;
                    pInfos[i] = new DescriptorImageInfo(_sampler, view, ImageLayout.ShaderReadOnlyOptimal);
                    writes[i] = new WriteDescriptorSet
                    {
                        SType = StructureType.WriteDescriptorSet,
                        DstSet = _sets[i],
                        DstBinding = 0,
                        DescriptorCount = 1,
                        DescriptorType = DescriptorType.CombinedImageSampler,
                        PImageInfo = &pInfos[i],
                    };
                }
                fixed (WriteDescriptorSet* w = writes)
                    _device.Api.UpdateDescriptorSets(_device.Device, (uint)writes.Length, w, 0, null);
            }
        }

        public DescriptorSet this[int texture] => _sets[texture];

        public void Dispose()
        {
            var vk = _device.Api;
            if (_pool.Handle != 0) vk.DestroyDescriptorPool(_device.Device, _pool, null);
            if (_sampler.Handle != 0) vk.DestroySampler(_device.Device, _sampler, null);
            _placeholder.Dispose();
        }
    }
}
