using System;
using Silk.NET.Vulkan;

namespace DiTPlugin.Vulkan
{
    /// <summary>A Vulkan call that returned an error: names the call and the VkResult, so a log line says what failed.</summary>
    public sealed class VulkanException : Exception
    {
        /// <summary>The call, e.g. "vkCreateImage".</summary>
        public string Call { get; }
        public Result Result { get; }

        public VulkanException(string call, Result result, string? detail = null)
            : base($"{call} failed with {result} ({(int)result}){(detail is null ? "" : ": " + detail)}.")
        {
            Call = call;
            Result = result;
        }

        /// <summary>Throws unless <paramref name="result"/> is Success (every call site passes through here).</summary>
        public static void Check(Result result, string call, string? detail = null)
        {
            if (result != Result.Success) throw new VulkanException(call, result, detail);
        }
    }
}
