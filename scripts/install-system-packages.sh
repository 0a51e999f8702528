#!/usr/bin/env bash
# Installs the Debian packages utilitycrm needs, only those that are missing, so that
# `make run` and `make test` work on a fresh machine and cost nothing on a prepared one.
#   --browser   also the Chromium build the browser tests drive
set -euo pipefail

python_bin="${PYTHON:-python3}"
packages=(fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
if ! "$python_bin" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  packages+=(python3-venv)
fi
if [ "${1:-}" = "--browser" ]; then
  packages+=(chromium)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  sudo_cmd=()
elif command -v sudo >/dev/null 2>&1; then
  sudo_cmd=(sudo)
else
  echo "Missing system packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})." >&2
  exit 1
fi
echo "Installing system packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
