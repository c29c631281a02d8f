#!/usr/bin/env bash
# Installs what ecsim needs to build and test, from Debian 12's packages only. Idempotent:
# packages already present are left alone. Uses sudo when not run as root.
#   tools/install-deps.sh [--with-browser]
# --with-browser also installs Debian's chromium, which the browser test drives headless
# (tools/test.sh passes it; tools/run-default.sh does not: running ecsim needs no browser).
set -euo pipefail
packages=(cmake ninja-build g++ clang libclang-rt-14-dev
          nlohmann-json3-dev libboost-program-options-dev libboost-math-dev libeigen3-dev libbenchmark-dev catch2 libre2-dev
          libgraphviz-dev zlib1g-dev libxxhash-dev
          pkg-config
          python3)
for arg in "$@"; do
  case "$arg" in
    --with-browser) packages+=(chromium) ;;
    *) echo "usage: tools/install-deps.sh [--with-browser]" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  echo "installing: ${missing[*]}" >&2
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi
