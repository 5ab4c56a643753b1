#!/usr/bin/env bash
# Installs what the ARM64 tests need to run a linux-arm64 build of the edge CLI on this x64 machine,
# only if it is missing:
#   /opt/federated-edge/qemu/qemu-aarch64   trixie's static qemu-user (QEMU 10; bookworm's 7.2 crashes
#                                           ONNX Runtime's arm64 library), linked as /usr/local/bin/qemu-aarch64
#   /opt/federated-edge/aarch64-sysroot     arm64 glibc, libgcc and libstdc++ (qemu-aarch64 -L), which a
#                                           self-contained .NET app and libonnxruntime.so load
# The .debs come from Debian trixie through a private apt configuration (its own source list and
# package lists under /var/cache/federated-edge-apt): the system's apt sources stay bookworm's.
set -euo pipefail

root=/opt/federated-edge
qemu=$root/qemu/qemu-aarch64
sysroot=$root/aarch64-sysroot

qemu_ok() {
  [[ -x $qemu ]] || return 1
  local version
  version=$("$qemu" --version | sed -n 's/^qemu-aarch64 version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
  read -r major minor <<<"$version"
  ((major > 8 || (major == 8 && minor >= 2)))
}
sysroot_ok() { [[ -e $sysroot/lib/ld-linux-aarch64.so.1 && -e $sysroot/usr/lib/aarch64-linux-gnu/libstdc++.so.6 ]]; }

if qemu_ok && sysroot_ok; then
  [[ -e /usr/local/bin/qemu-aarch64 ]] || ln -sf "$qemu" /usr/local/bin/qemu-aarch64 2>/dev/null || true
  exit 0
fi

if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
apt_dir=/var/cache/federated-edge-apt
"${sudo[@]}" mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
  | "${sudo[@]}" tee "$apt_dir/sources.list" >/dev/null
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
  -o APT::Architectures::=amd64 -o APT::Architectures::=arm64
  -o Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false
  -o APT::Sandbox::User=root
)
echo "Fetching trixie's qemu-user and an arm64 sysroot (libc6, libgcc-s1, libstdc++6)"
"${sudo[@]}" apt-get "${apt_options[@]}" -qq update
cd "$apt_dir/debs"
"${sudo[@]}" rm -f ./*.deb
"${sudo[@]}" apt-get "${apt_options[@]}" -qq download qemu-user:amd64 libc6:arm64 libgcc-s1:arm64 libstdc++6:arm64

"${sudo[@]}" mkdir -p "$root/qemu" "$sysroot"
# Only the one emulator from the 70 MB package.
"${sudo[@]}" sh -c "dpkg-deb --fsys-tarfile qemu-user_*_amd64.deb | tar -x -O ./usr/bin/qemu-aarch64 > '$qemu.tmp'"
"${sudo[@]}" chmod 755 "$qemu.tmp"
"${sudo[@]}" mv "$qemu.tmp" "$qemu"
for deb in libc6_*_arm64.deb libgcc-s1_*_arm64.deb libstdc++6_*_arm64.deb; do
  "${sudo[@]}" dpkg-deb -x "$deb" "$sysroot"
done
# trixie is merged-/usr (base-files makes /lib a link to usr/lib); the ELF interpreter is /lib/ld-linux-aarch64.so.1.
[[ -e $sysroot/lib ]] || "${sudo[@]}" ln -s usr/lib "$sysroot/lib"
"${sudo[@]}" ln -sf "$qemu" /usr/local/bin/qemu-aarch64
qemu_ok || { echo "qemu-aarch64 at $qemu is not QEMU >= 8.2" >&2; exit 1; }
sysroot_ok || { echo "the arm64 sysroot at $sysroot is incomplete" >&2; exit 1; }
"$qemu" --version | head -1
