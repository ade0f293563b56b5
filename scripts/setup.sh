#!/usr/bin/env bash
# One-time setup on Debian/Ubuntu: the system packages the studio and its tests use, the npm
# dependencies, and a build of the UI. Safe to run again.
#   --with-electron   also download Electron's binary (needs internet beyond the npm registry),
#                     for `npm start` (the desktop app). Web mode and the CLI do not need it.
set -euo pipefail
cd "$(dirname "$0")/.."

with_electron=0
for arg in "$@"; do
  case "$arg" in
    --with-electron) with_electron=1 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

packages=(chromium openssh-server dataset-fashion-mnist poppler-utils)
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
else
  echo "setup: not a Debian-like system; install these yourself: ${packages[*]}" >&2
fi

if [ "$with_electron" -eq 0 ]; then export ELECTRON_SKIP_BINARY_DOWNLOAD=1; fi
npm ci --no-audit --no-fund
npm run build
echo "setup: done. Try: npx bitbench --help"
