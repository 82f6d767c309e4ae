#!/usr/bin/env bash
# The README's test command: builds the solution and runs every NUnit test.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet test DiTPlugin.sln -c Release --nologo "$@"
