#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (which cannot download its own browsers
# here), and check pages' HTML with the Nu HTML checker, a Java program. Install what is missing from
# Debian's packages; do nothing when both are there. CI runs this as root on a fresh machine.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "install ${missing[*]} (Debian packages) as root, then run again" >&2; exit 1; }
  sudo=(sudo)
fi
echo "Installing ${missing[*]} from Debian's packages for the browser tests"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" fonts-dejavu-core >/dev/null
