#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, where missing: python3-autobahn (the
# autobahn-python peer, run with /usr/bin/python3; python3-cbor2 gives it CBOR) and chromium
# (headless browser tests).
set -euo pipefail
missing=()
/usr/bin/python3 -c 'import autobahn' 2>/dev/null || missing+=(python3-autobahn)
/usr/bin/python3 -c 'import cbor2' 2>/dev/null || missing+=(python3-cbor2)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=''
if [ "$(id -u)" -ne 0 ]; then SUDO='sudo'; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "system packages: installed ${missing[*]}"
