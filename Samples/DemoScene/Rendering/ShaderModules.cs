using System;
using System.IO;
using DiTPlugin.Vulkan;
using Silk.NET.Vulkan;

namespace DiTPlugin.Samples.DemoScene.Rendering
{
    /// <summary>The scene's SPIR-V, embedded in this assembly from Shaders/*.spv (build/compile_shaders.sh makes them).</summary>
    internal static unsafe class ShaderModules
    {
        /// <summary>The bytes of an embedded shader, e.g. "scene.vert.spv".</summary>
        public static byte[] Load(string fileName)
        {
            using var stream = typeof(ShaderModules).Assembly.GetManifestResourceStream("Shaders/" + fileName)
                ?? throw new FileNotFoundException($"Shader {fileName} is not embedded in {typeof(ShaderModules).Assembly.GetName().Name}: run build/compile_shaders.sh and rebuild.");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }

        public static ShaderModule Create(VulkanDevice device, string fileName)
        {
            var code = Load(fileName);
            // SPIR-V is a stream of 32-bit words.
            if (code.Length == 0 || code.Length % 4 != 0) throw new InvalidDataException($"Shader {fileName} is {code.Length} bytes, not a whole number of SPIR-V words.");
            fixed (byte* p = code)
            {
                var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)p };
                ShaderModule module;
                VulkanException.Check(device.Api.CreateShaderModule(device.Device, &info, null, &module), "vkCreateShaderModule", fileName);
                return module;
            }
        }
    }
}
