#!/usr/bin/env bash
# apt-install.sh WHAT-FOR PACKAGE...: install Debian packages as root, or through sudo when there is one.
# The install-*.sh scripts call it with only the packages that are missing.
set -euo pipefail

what_for=$1
shift
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install $* (Debian packages) as root, then run again" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing $* from Debian's packages $what_for"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "$@" >/dev/null
