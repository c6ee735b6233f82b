#!/usr/bin/env bash
# The browser tests drive Debian's chromium through Playwright (which cannot download its own browsers
# here), and check pages' HTML with the Nu HTML checker, a Java program; fonts so pages render as people see them.
set -euo pipefail
exec "$(dirname "$0")/install-debian.sh" chromium=chromium java=default-jre-headless fc-list=fonts-dejavu-core
