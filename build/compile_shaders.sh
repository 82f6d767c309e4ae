#!/usr/bin/env bash
# Regenerates the demo's SPIR-V from its GLSL (Debian: apt-get install glslang-tools). The .spv files are checked in
# so a build needs no shader compiler; a test recompiles them and fails when they are stale. Compiling from inside
# the Shaders folder with bare file names keeps the output free of machine-specific paths.
set -euo pipefail
cd "$(dirname "$0")/../Samples/DemoScene/Shaders"
command -v glslangValidator >/dev/null || { echo "glslangValidator not found: install glslang-tools" >&2; exit 1; }
for stage in vert frag; do
  glslangValidator -V "scene.$stage" -o "scene.$stage.spv" >/dev/null
  if command -v spirv-val >/dev/null; then spirv-val "scene.$stage.spv"; fi
  echo "scene.$stage.spv"
done
# Other glslang versions may emit different (equally valid) words: the staleness test compares only with this one.
glslangValidator --version | head -n 1 > glslang.version
