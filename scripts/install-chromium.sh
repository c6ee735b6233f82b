#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (which cannot download its own browsers
# here), and check pages' HTML with the Nu HTML checker, a Java program. Install what is missing from
# Debian's packages; do nothing when both are there. CI runs this as root on a fresh machine.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
[ ${#missing[@]} -eq 0 ] && exit 0

"$(dirname "$0")/apt-install.sh" "for the browser tests" "${missing[@]}" fonts-dejavu-core
