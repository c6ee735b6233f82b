#!/usr/bin/env bash
# Install Debian packages for commands that are missing, and do nothing when all are there.
# Usage: scripts/install-debian.sh COMMAND=PACKAGE ...   (CI runs this as root on a fresh machine.)
set -euo pipefail

missing=()
for pair in "$@"; do
  command -v "${pair%%=*}" >/dev/null 2>&1 || missing+=("${pair#*=}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install ${missing[*]} (Debian packages) as root, then run again" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing ${missing[*]} from Debian's packages"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
