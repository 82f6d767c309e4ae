#!/usr/bin/env bash
# Fills the Unity package's Plugins/ folder (or --out DIR, e.g. a Unity project's Assets/Plugins/DiT for a git-URL
# install) with the Plugin assembly, its managed dependencies and ONNX Runtime's native libraries. Nothing it writes
# is committed (see .gitignore); rerun it after changing the Plugin.
#
#   bash build/pack_unity.sh                      # → Packages/com.ditplugin.texturegen/Plugins
#   bash build/pack_unity.sh --out ~/MyGame/Assets/Plugins/DiT
#
# Natives come from the NuGet packages that the Plugin's restore put in the NuGet cache:
#   Microsoft.ML.OnnxRuntime (CPU): Linux x64, macOS arm64, Windows x64 (CPU only);
#   Microsoft.ML.OnnxRuntime.DirectML + Microsoft.AI.DirectML: Windows x64 with DirectML, used instead of the CPU
#   build when present (they restore on Windows only: run this script there, e.g. from Git Bash, for DirectML).
# Each file gets a .meta with its platform settings (build/unity/unity_meta.py; needs python3).
set -euo pipefail
cd "$(dirname "$0")/.."

out="Packages/com.ditplugin.texturegen/Plugins"
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
ort_version=$(grep -o 'Microsoft.ML.OnnxRuntime" Version="[^"]*"' Plugin/DiTPlugin/DiTPlugin.csproj | head -1 | sed 's/.*Version="//; s/"//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "Building the Plugin (netstandard2.1) with its managed dependencies..."
dotnet build Plugin/DiTPlugin/DiTPlugin.csproj -c Release --nologo -v q \
  -p:CopyLocalLockFileAssemblies=true -p:GenerateDocumentationFile=false -o "$tmp/managed" >/dev/null

mkdir -p "$out/Managed" "$out/Linux/x86_64" "$out/macOS/arm64" "$out/Windows/x86_64"
rm -f "$out"/Managed/* "$out"/Linux/x86_64/* "$out"/macOS/arm64/* "$out"/Windows/x86_64/* "$out"/*.meta "$out"/*/*.meta
# Managed: the Plugin and DiTPlugin.Contract (a project reference, copied with it), ONNX Runtime's managed API, System.Text.Json and what it needs on netstandard2.x, the PNG writer.
for f in "$tmp"/managed/*.dll; do cp "$f" "$out/Managed/"; done

ort="$nuget/microsoft.ml.onnxruntime/$ort_version/runtimes"
dml="$nuget/microsoft.ml.onnxruntime.directml/$ort_version/runtimes/win-x64/native"
# The CPU package restores on Linux and macOS, the DirectML one on Windows (see Plugin/DiTPlugin/DiTPlugin.csproj);
# on Windows, 'dotnet add package Microsoft.ML.OnnxRuntime' in any scratch project puts the CPU one in the cache too.
if [ ! -d "$ort" ] && [ ! -d "$dml" ]; then
  echo "ONNX Runtime $ort_version is not in the NuGet cache ($nuget): run 'dotnet restore Plugin/DiTPlugin' first." >&2
  exit 1
fi
if [ -d "$ort" ]; then
  cp "$ort"/linux-x64/native/libonnxruntime.so "$ort"/linux-x64/native/libonnxruntime_providers_shared.so "$out/Linux/x86_64/"
  cp "$ort"/osx-arm64/native/libonnxruntime.dylib "$out/macOS/arm64/"
else
  echo "warning: Microsoft.ML.OnnxRuntime $ort_version (CPU) is not in the NuGet cache: no Linux or macOS natives." >&2
fi
if [ -d "$dml" ]; then
  cp "$dml"/onnxruntime.dll "$out/Windows/x86_64/"
  if [ -f "$dml/onnxruntime_providers_shared.dll" ]; then cp "$dml/onnxruntime_providers_shared.dll" "$out/Windows/x86_64/"; fi
  directml=$(ls -d "$nuget"/microsoft.ai.directml/*/bin/x64-win 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$directml" ]; then cp "$directml/DirectML.dll" "$out/Windows/x86_64/"; else echo "warning: Microsoft.AI.DirectML is not in the NuGet cache: no DirectML.dll." >&2; fi
  echo "Windows: DirectML build of ONNX Runtime."
else
  cp "$ort"/win-x64/native/onnxruntime.dll "$ort"/win-x64/native/onnxruntime_providers_shared.dll "$out/Windows/x86_64/"
  echo "Windows: CPU build of ONNX Runtime (the DirectML package restores on Windows only; see Plugins/README.md)."
fi

# Import settings: each native library enabled for its own platform and editor only, managed DLLs everywhere.
python3 build/unity/unity_meta.py plugins "$out"

echo "Wrote $out:"
(cd "$out" && find . -type f ! -name '*.md' ! -name '*.meta' | sort | while read -r f; do printf '  %-60s %8s\n' "$f" "$(du -h "$f" | cut -f1)"; done)
