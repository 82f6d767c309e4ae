#version 450
// One textured quad vertex. The push constant holds the System.Numerics view-projection matrix as raw bytes:
// its row-major M11..M44 read as a column-major mat4 is the transpose, so vp * v here equals (p, 1)·M there.

layout(location = 0) in vec3 inPosition;
layout(location = 1) in vec2 inUv;          // already multiplied by the quad's Repeat

layout(push_constant) uniform Push
{
    mat4 viewProjection;
    float shade;
} push;

layout(location = 0) out vec2 outUv;

void main()
{
    outUv = inUv;
    gl_Position = push.viewProjection * vec4(inPosition, 1.0);
}
