#!/usr/bin/env bash
# The contract suite (tests/contract) runs Prism, a Node.js program that `make setup` installs with
# `npm ci`. Install Node.js and npm from Debian's packages when they are missing (Debian 12 ships
# Node.js 18.20, which the pinned Prism supports); do nothing when both are there.
set -euo pipefail

missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

"$(dirname "$0")/apt-install.sh" "for the contract tests" "${missing[@]}"
