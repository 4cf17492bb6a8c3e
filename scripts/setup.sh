#!/usr/bin/env bash
# Installs what mmuscope needs from Debian (bookworm) and builds it into build/ (and, with
# --asan, an ASan+UBSan build into build-asan/). Safe to run again: it installs only what is
# missing and rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  meson ninja-build pkg-config gcc libc6-dev
  libunicorn-dev libinih-dev libcapstone-dev libfdt-dev zlib1g-dev
  clang lld llvm
  python3
  qemu-system-arm
  gnuplot-nox
  debian-installer-12-netboot-arm64 debian-installer-12-netboot-armhf
  libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev fonts-dejavu-core xvfb xauth
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

configure() { # dir, extra meson args...
  local dir=$1; shift
  if [ ! -f "$dir/build.ninja" ]; then
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir" >/dev/null
}

configure build
if [ "${1:-}" = "--asan" ]; then
  configure build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized -Dc_args=-fno-sanitize-recover=all
fi
echo "setup: built build/frontends/mmuscope"
