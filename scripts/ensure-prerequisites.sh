#!/usr/bin/env bash
# Installs the Debian packages the main job and the tests need, only if they are missing:
#   dataset-fashion-mnist  the real data (IDX files in /usr/share/datasets/fashion-mnist)
#   mosquitto              the external MQTT broker the MQTT tests start on their own loopback ports
#   openssl                checks that the federation's PEM files and CRL work for OpenSSL servers (Mosquitto)
#   gcc, make, libc6-dev   the C runtime's host builds (edge/runtime)
#   gcc-arm-none-eabi, libnewlib-arm-none-eabi, qemu-system-arm
#                          the C runtime's Cortex-M builds and the emulated boards they run on
#   (and, through ensure-qemu-aarch64.sh, qemu-aarch64 for the edge ARM64 tests)
set -euo pipefail

# The edge ARM64 tests: trixie's qemu-aarch64 and an arm64 sysroot (its own script: not from bookworm's apt).
bash "$(dirname "$0")/ensure-qemu-aarch64.sh"

missing=()
[[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]] || missing+=(dataset-fashion-mnist)
[[ -x /usr/sbin/mosquitto ]] || command -v mosquitto >/dev/null || missing+=(mosquitto)
command -v openssl >/dev/null || missing+=(openssl)
command -v gcc >/dev/null || missing+=(gcc)
command -v make >/dev/null || missing+=(make)
[[ -f /usr/include/stdio.h ]] || missing+=(libc6-dev)
command -v arm-none-eabi-gcc >/dev/null || missing+=(gcc-arm-none-eabi)
[[ -f /usr/lib/arm-none-eabi/newlib/rdimon.specs ]] || missing+=(libnewlib-arm-none-eabi)
command -v qemu-system-arm >/dev/null || missing+=(qemu-system-arm)
((${#missing[@]} == 0)) && exit 0

echo "Installing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo); fi
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
