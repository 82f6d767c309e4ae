#version 450
// Texel times the quad's Shade. The texture is sampled in linear light (sRGB formats decode on sampling) and the
// colour attachment is sRGB, so the multiply happens in linear light and the stored frame is sRGB-encoded.

layout(set = 0, binding = 0) uniform sampler2D tex;

layout(push_constant) uniform Push
{
    mat4 viewProjection;
    float shade;
} push;

layout(location = 0) in vec2 inUv;
layout(location = 0) out vec4 outColor;

void main()
{
    vec4 texel = texture(tex, inUv);
    outColor = vec4(texel.rgb * push.shade, texel.a);
}
