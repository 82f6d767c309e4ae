#!/usr/bin/env bash
# Fills the Unity package's Plugins/ folder (or --out DIR, e.g. a Unity project's Assets/Plugins/DiT for a git-URL
# install) with the Plugin assembly, its managed dependencies and ONNX Runtime's native libraries. Nothing it writes
# is committed (see .gitignore); rerun it after changing the Plugin.
#
#   bash build/pack_unity.sh                      # → Packages/com.ditplugin.texturegen/Plugins, CPU builds everywhere
#   bash build/pack_unity.sh --windows directml   # Windows x64: ONNX Runtime's DirectML build + DirectML.dll
#   bash build/pack_unity.sh --windows cuda --linux cuda   # CUDA 12 builds (the CUDA/cuDNN runtime is the user's)
#   bash build/pack_unity.sh --out ~/MyGame/Assets/Plugins/DiT
#
# The Plugin references only ONNX Runtime's managed API (Microsoft.ML.OnnxRuntime.Managed); the native build is the
# application's choice, one per platform, of the same version (OnnxRuntimeVersion in Directory.Build.props):
#   cpu      Microsoft.ML.OnnxRuntime: Linux x64, macOS arm64, Windows x64;
#   directml Microsoft.ML.OnnxRuntime.DirectML + Microsoft.AI.DirectML: Windows x64 (DirectML includes the CPU provider);
#   cuda     Microsoft.ML.OnnxRuntime.Gpu.Windows / .Gpu.Linux: Windows x64, Linux x64.
# The script restores the packages it needs into the NuGet cache first. Each file gets a .meta with its platform
# settings (build/unity/unity_meta.py; needs python3).
set -euo pipefail
cd "$(dirname "$0")/.."

out="Packages/com.ditplugin.texturegen/Plugins"
windows=cpu
linux=cpu
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --windows) windows="$2"; shift 2 ;;
    --linux) linux="$2"; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$windows" in cpu|directml|cuda) ;; *) echo "--windows takes cpu, directml or cuda, not '$windows'" >&2; exit 2 ;; esac
case "$linux" in cpu|cuda) ;; *) echo "--linux takes cpu or cuda, not '$linux' (DirectML is Windows only)" >&2; exit 2 ;; esac

nuget="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
ort_version=$(sed -n 's:.*<OnnxRuntimeVersion>\(.*\)</OnnxRuntimeVersion>.*:\1:p' Directory.Build.props)
[ -n "$ort_version" ] || { echo "OnnxRuntimeVersion not found in Directory.Build.props" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The native packages, restored by a throwaway project (NuGet restores any OS's package on any OS).
packages="Microsoft.ML.OnnxRuntime"
[ "$windows" = directml ] && packages="$packages Microsoft.ML.OnnxRuntime.DirectML"
[ "$windows" = cuda ] && packages="$packages Microsoft.ML.OnnxRuntime.Gpu.Windows"
[ "$linux" = cuda ] && packages="$packages Microsoft.ML.OnnxRuntime.Gpu.Linux"
{
  echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>netstandard2.1</TargetFramework></PropertyGroup><ItemGroup>'
  for p in $packages; do echo "<PackageReference Include=\"$p\" Version=\"$ort_version\" />"; done
  echo '</ItemGroup></Project>'
} > "$tmp/natives.csproj"
echo "Restoring ONNX Runtime $ort_version natives: $packages"
dotnet restore "$tmp/natives.csproj" --nologo -v q >/dev/null

echo "Building the Plugin (netstandard2.1) with its managed dependencies..."
dotnet build Plugin/DiTPlugin/DiTPlugin.csproj -c Release --nologo -v q \
  -p:CopyLocalLockFileAssemblies=true -p:GenerateDocumentationFile=false -o "$tmp/managed" >/dev/null

mkdir -p "$out/Managed" "$out/Linux/x86_64" "$out/macOS/arm64" "$out/Windows/x86_64"
rm -f "$out"/Managed/* "$out"/Linux/x86_64/* "$out"/macOS/arm64/* "$out"/Windows/x86_64/* "$out"/*.meta "$out"/*/*.meta
# Managed: the Plugin and DiTPlugin.Contract (a project reference, copied with it), ONNX Runtime's managed API, System.Text.Json and what it needs on netstandard2.x, the PNG writer.
for f in "$tmp"/managed/*.dll; do cp "$f" "$out/Managed/"; done

pkg() { echo "$nuget/$(echo "$1" | tr '[:upper:]' '[:lower:]')/$ort_version/runtimes/$2/native"; }
cpu_linux=$(pkg Microsoft.ML.OnnxRuntime linux-x64); cpu_mac=$(pkg Microsoft.ML.OnnxRuntime osx-arm64); cpu_win=$(pkg Microsoft.ML.OnnxRuntime win-x64)

case "$linux" in
  cpu)  cp "$cpu_linux"/libonnxruntime.so "$cpu_linux"/libonnxruntime_providers_shared.so "$out/Linux/x86_64/" ;;
  cuda) src=$(pkg Microsoft.ML.OnnxRuntime.Gpu.Linux linux-x64)
        cp "$src"/libonnxruntime.so "$src"/libonnxruntime_providers_shared.so "$src"/libonnxruntime_providers_cuda.so "$out/Linux/x86_64/" ;;
esac
cp "$cpu_mac"/libonnxruntime.dylib "$out/macOS/arm64/"
case "$windows" in
  cpu)  cp "$cpu_win"/onnxruntime.dll "$cpu_win"/onnxruntime_providers_shared.dll "$out/Windows/x86_64/" ;;
  directml)
        src=$(pkg Microsoft.ML.OnnxRuntime.DirectML win-x64)
        cp "$src"/onnxruntime.dll "$out/Windows/x86_64/"
        if [ -f "$src/onnxruntime_providers_shared.dll" ]; then cp "$src/onnxruntime_providers_shared.dll" "$out/Windows/x86_64/"; fi
        directml=$(ls -d "$nuget"/microsoft.ai.directml/*/bin/x64-win 2>/dev/null | sort -V | tail -1 || true)
        if [ -n "$directml" ]; then cp "$directml/DirectML.dll" "$out/Windows/x86_64/"; else echo "warning: Microsoft.AI.DirectML is not in the NuGet cache: no DirectML.dll." >&2; fi ;;
  cuda) src=$(pkg Microsoft.ML.OnnxRuntime.Gpu.Windows win-x64)
        cp "$src"/onnxruntime.dll "$src"/onnxruntime_providers_shared.dll "$src"/onnxruntime_providers_cuda.dll "$out/Windows/x86_64/" ;;
esac
echo "Natives: Windows x64 $windows, Linux x64 $linux, macOS arm64 cpu (ONNX Runtime $ort_version)."

# Import settings: each native library enabled for its own platform and editor only, managed DLLs everywhere.
python3 build/unity/unity_meta.py plugins "$out"

echo "Wrote $out:"
(cd "$out" && find . -type f ! -name '*.md' ! -name '*.meta' | sort | while read -r f; do printf '  %-60s %8s\n' "$f" "$(du -h "$f" | cut -f1)"; done)
