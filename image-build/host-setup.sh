#!/usr/bin/env bash
# Set up this Debian machine to run and test the box: Debian packages, the Python venv,
# pjsua2 built from source. Idempotent: a second run takes seconds (everything is stamped).
#
#   image-build/host-setup.sh            (what `make setup` runs)
#
# Caches outside the clone: ${PBX_CACHE:-~/.cache/pbx-box} (pjproject build keyed on the
# source tarball's sha256). PJPROJECT_TARBALL=path builds from a local tarball (offline).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
CACHE=${PBX_CACHE:-$HOME/.cache/pbx-box}
VENV=${VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3}
mkdir -p "$CACHE"

# Debian packages the box and its tests run with, and what pjproject builds against.
APT_RUNTIME="kamailio kamailio-sqlite-modules kamailio-extra-modules sip-tester sqlite3 sox libsox-fmt-mp3 espeak-ng openssl"
APT_BUILD="build-essential pkg-config swig dpkg-dev libsrtp2-dev libgsm1-dev libspeex-dev libspeexdsp-dev
 libsamplerate0-dev libopus-dev libssl-dev uuid-dev"
APT_TEST="chromium chromium-driver baresip-core procps iproute2
 rauc squashfs-tools e2fsprogs dbus-daemon dbus-session-bus-common busybox"
# (rauc & co: the update tests make, check and install real bundles into file slots, RAUC on a private D-Bus;
#  busybox: the slot chooser is also run by the shell the initramfs uses)
# Only for `make image` / `make image-test` (host-setup.sh --image): root filesystem, arm64 emulation,
# disk image assembly, the boot tests' VMs (qemu-system-arm: qemu-system-aarch64 for the arm64 image).
APT_IMAGE="mmdebstrap genimage e2fsprogs dosfstools mtools fdisk qemu-user-static arch-test device-tree-compiler qemu-system-x86 qemu-system-arm git"
STEPS=4
n=0
step() { n=$((n + 1)); echo "==> [setup $n/$STEPS] $*"; }
fail() { echo "!!! setup step '$1' failed: $2" >&2; echo "!!! fix: $3" >&2; exit 1; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ "${1:-}" = "--image" ]; then
  # The image build's tools, on top of what `make setup` installed.
  stamp="$CACHE/apt-image.stamp"
  want=$(echo "$APT_IMAGE" | sha256sum | cut -c1-16)
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! command -v mmdebstrap >/dev/null || ! command -v genimage >/dev/null; then
    echo "==> [image set-up] apt-get install $APT_IMAGE"
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -q --no-install-recommends $APT_IMAGE \
      >"$CACHE/apt-image.log" 2>&1 \
      || fail "image set-up" "apt-get install (see $CACHE/apt-image.log)" "run apt-get update, then make image again"
    echo "$want" >"$stamp"
  fi
  exit 0
fi

step "Debian packages"
stamp="$CACHE/apt.stamp"
want=$(echo "$APT_RUNTIME $APT_BUILD $APT_TEST" | tr -s ' \n' ' ' | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! command -v kamailio >/dev/null || ! command -v sipp >/dev/null; then
  # pjproject's source comes from Debian's 'sid' asterisk source package (orig-Xpjproject).
  src_list=/etc/apt/sources.list.d/pbx-sid-src.sources
  if [ ! -f "$src_list" ]; then
    # The first Debian archive URI actually in use (deb822 "URIs:" or a one-line "deb" entry; not comments).
    uri=$( (grep -h -E '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
            grep -h -E '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}') \
          | grep -E '/debian/?$' | head -n1) || true
    uri=${uri:-http://deb.debian.org/debian}
    printf 'Types: deb-src\nURIs: %s\nSuites: sid\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$uri" | sudo_ tee "$src_list" >/dev/null
  fi
  echo "    apt-get update"
  sudo_ apt-get update -q >"$CACHE/apt-update.log" 2>&1 \
    || fail "Debian packages" "apt-get update (see $CACHE/apt-update.log)" "check the machine's Debian mirror is reachable"
  echo "    apt-get install (kamailio, sipp, pjproject build deps, chromium; first time: a few minutes)"
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive sudo_ apt-get install -y -q --no-install-recommends \
    $APT_RUNTIME $APT_BUILD $APT_TEST >"$CACHE/apt-install.log" 2>&1 \
    || fail "Debian packages" "apt-get install (see $CACHE/apt-install.log)" "read the log; a package name may have changed"
  # kamailio's Debian unit must not hold :5060; the box runs its own instance under supervisord.
  if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
    sudo_ systemctl disable --now kamailio >/dev/null 2>&1 || true
  fi
  echo "$want" >"$stamp"
else
  echo "    already installed"
fi

step "Python virtual environment ($VENV)"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV" || fail "venv" "$PYTHON -m venv failed" "install python3-venv (Python 3.11)"
fi
want=$(cat pyproject.toml | sha256sum | cut -c1-16)
if [ "$(cat "$VENV/.deps.stamp" 2>/dev/null)" != "$want" ]; then
  "$VENV/bin/pip" install -q --disable-pip-version-check setuptools==80.9.0 wheel==0.45.1 >"$CACHE/pip.log" 2>&1 \
    || fail "venv" "pip could not install setuptools/wheel" "check PyPI is reachable"
  "$VENV/bin/pip" install -q --disable-pip-version-check -e ".[test]" >"$CACHE/pip.log" 2>&1 \
    || fail "venv" "pip install -e .[test]" "read $CACHE/pip.log; check PyPI is reachable; versions are pinned in pyproject.toml"
  echo "$want" >"$VENV/.deps.stamp"
else
  echo "    dependencies up to date"
fi

step "pjsua2 (pjproject built from source; first time: several minutes, then cached)"
if "$VENV/bin/python" -c 'import pjsua2' 2>/dev/null && [ -f "$VENV/.pjsua2.stamp" ]; then
  echo "    already installed"
else
  wheel=$(bash image-build/pjsua2/build.sh "$VENV/bin/python" "$CACHE/pjsua2" | tail -n1)
  "$VENV/bin/pip" install -q --disable-pip-version-check --force-reinstall --no-deps "$wheel" \
    || fail "pjsua2" "installing $wheel" "remove $CACHE/pjsua2 and run make setup again"
  "$VENV/bin/python" -c 'import pjsua2' || fail "pjsua2" "import pjsua2 failed after install" "see the build log under $CACHE/pjsua2"
  echo "$wheel" >"$VENV/.pjsua2.stamp"
fi

step "check"
for tool in kamailio sipp; do command -v $tool >/dev/null || fail "check" "$tool not found" "rerun make setup"; done
"$VENV/bin/python" -c 'import pjsua2, bottle, peewee, supervisor' || fail "check" "imports" "rerun make setup"
echo "==> setup done"
