using System;
using System.Numerics;
using System.Runtime.InteropServices;
using DiTPlugin.Vulkan;
using Silk.NET.Vulkan;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>The push constants both shaders declare: the raw System.Numerics matrix, then the quad's shade.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct ScenePushConstants
    {
        public Matrix4x4 ViewProjection;
        public float Shade;
    }

    /// <summary>
    /// The one graphics pipeline of the scene: textured, depth-tested (less, with writes), no culling (quads may face
    /// either way), no blending, a fixed viewport over the whole frame. Set 0 binding 0 is the quad's texture.
    /// </summary>
    internal sealed unsafe class ScenePipeline : IDisposable
    {
        private readonly VulkanDevice _device;

        public DescriptorSetLayout SetLayout { get; }
        public PipelineLayout Layout { get; }
        public Pipeline Pipeline { get; }
        public static uint PushConstantSize => (uint)sizeof(ScenePushConstants);

        public ScenePipeline(VulkanDevice device, RenderPass renderPass, uint width, uint height)
        {
            _device = device;
            var vk = device.Api;
            try
            {
                var binding = new DescriptorSetLayoutBinding
                {
                    Binding = 0,
                    DescriptorType = DescriptorType.CombinedImageSampler,
                    DescriptorCount = 1,
                    StageFlags = ShaderStageFlags.FragmentBit,
                };
                var setInfo = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = 1, PBindings = &binding };
                DescriptorSetLayout setLayout;
                VulkanException.Check(vk.CreateDescriptorSetLayout(device.Device, &setInfo, null, &setLayout), "vkCreateDescriptorSetLayout");
                SetLayout = setLayout;

                var range = new PushConstantRange(ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, PushConstantSize);
                var layoutInfo = new PipelineLayoutCreateInfo
                {
                    SType = StructureType.PipelineLayoutCreateInfo,
                    SetLayoutCount = 1,
                    PSetLayouts = &setLayout,
                    PushConstantRangeCount = 1,
                    PPushConstantRanges = &range,
                };
                PipelineLayout layout;
                VulkanException.Check(vk.CreatePipelineLayout(device.Device, &layoutInfo, null, &layout), "vkCreatePipelineLayout");
                Layout = layout;

                Pipeline = CreatePipeline(device, renderPass, layout, width, height);
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        private static Pipeline CreatePipeline(VulkanDevice device, RenderPass renderPass, PipelineLayout layout, uint width, uint height)
        {
            var vk = device.Api;
            var vert = ShaderModules.Create(device, "scene.vert.spv");
            ShaderModule frag = default;
            var entry = Marshal.StringToHGlobalAnsi("main");
            try
            {
                frag = ShaderModules.Create(device, "scene.frag.spv");
                var stages = stackalloc PipelineShaderStageCreateInfo[]
                {
                    new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.VertexBit, Module = vert, PName = (byte*)entry },
                    new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.FragmentBit, Module = frag, PName = (byte*)entry },
                };
                var binding = new VertexInputBindingDescription(0, (uint)SceneVertices.Stride, VertexInputRate.Vertex);
                var attributes = stackalloc VertexInputAttributeDescription[]
                {
                    new VertexInputAttributeDescription(0, 0, Format.R32G32B32Sfloat, 0),
                    new VertexInputAttributeDescription(1, 0, Format.R32G32Sfloat, 3 * sizeof(float)),
                };
                var vertexInput = new PipelineVertexInputStateCreateInfo
                {
                    SType = StructureType.PipelineVertexInputStateCreateInfo,
                    VertexBindingDescriptionCount = 1,
                    PVertexBindingDescriptions = &binding,
                    VertexAttributeDescriptionCount = 2,
                    PVertexAttributeDescriptions = attributes,
                };
                var assembly = new PipelineInputAssemblyStateCreateInfo { SType = StructureType.PipelineInputAssemblyStateCreateInfo, Topology = PrimitiveTopology.TriangleList };
                var viewport = new Viewport(0, 0, width, height, 0, 1);
                var scissor = new Rect2D(new Offset2D(0, 0), new Extent2D(width, height));
                var viewportState = new PipelineViewportStateCreateInfo
                {
                    SType = StructureType.PipelineViewportStateCreateInfo,
                    ViewportCount = 1,
                    PViewports = &viewport,
                    ScissorCount = 1,
                    PScissors = &scissor,
                };
                var raster = new PipelineRasterizationStateCreateInfo
                {
                    SType = StructureType.PipelineRasterizationStateCreateInfo,
                    PolygonMode = PolygonMode.Fill,
                    CullMode = CullModeFlags.None,
                    FrontFace = FrontFace.CounterClockwise,
                    LineWidth = 1f,
                };
                var multisample = new PipelineMultisampleStateCreateInfo { SType = StructureType.PipelineMultisampleStateCreateInfo, RasterizationSamples = SampleCountFlags.Count1Bit };
                var depth = new PipelineDepthStencilStateCreateInfo
                {
                    SType = StructureType.PipelineDepthStencilStateCreateInfo,
                    DepthTestEnable = true,
                    DepthWriteEnable = true,
                    DepthCompareOp = CompareOp.Less,   // depth 0 is near: the nearer surface wins, whatever the draw order
                };
                var blendAttachment = new PipelineColorBlendAttachmentState
                {
                    BlendEnable = false,
                    ColorWriteMask = ColorComponentFlags.RBit | ColorComponentFlags.GBit | ColorComponentFlags.BBit | ColorComponentFlags.ABit,
                };
                var blend = new PipelineColorBlendStateCreateInfo { SType = StructureType.PipelineColorBlendStateCreateInfo, AttachmentCount = 1, PAttachments = &blendAttachment };
                var info = new GraphicsPipelineCreateInfo
                {
                    SType = StructureType.GraphicsPipelineCreateInfo,
                    StageCount = 2,
                    PStages = stages,
                    PVertexInputState = &vertexInput,
                    PInputAssemblyState = &assembly,
                    PViewportState = &viewportState,
                    PRasterizationState = &raster,
                    PMultisampleState = &multisample,
                    PDepthStencilState = &depth,
                    PColorBlendState = &blend,
                    Layout = layout,
                    RenderPass = renderPass,
                    Subpass = 0,
                };
                Pipeline pipeline;
                VulkanException.Check(vk.CreateGraphicsPipelines(device.Device, default, 1, &info, null, &pipeline), "vkCreateGraphicsPipelines");
                return pipeline;
            }
            finally
            {
                // Modules are only needed while the pipeline is created.
                Marshal.FreeHGlobal(entry);
                vk.DestroyShaderModule(device.Device, vert, null);
                if (frag.Handle != 0) vk.DestroyShaderModule(device.Device, frag, null);
            }
        }

        public void Dispose()
        {
            var vk = _device.Api;
            if (Pipeline.Handle != 0) vk.DestroyPipeline(_device.Device, Pipeline, null);
            if (Layout.Handle != 0) vk.DestroyPipelineLayout(_device.Device, Layout, null);
            if (SetLayout.Handle != 0) vk.DestroyDescriptorSetLayout(_device.Device, SetLayout, null);
        }
    }
}
