#!/usr/bin/env bash
# Build pjproject + the pjsua2 Python binding from Debian's pjproject source and leave a wheel.
#
#   build.sh PYTHON CACHE_ROOT      -> prints the path of the built wheel on its last line
#
# The one place pjsua2 is built: host set-up (make setup) and image-build both call it.
# The result is cached in CACHE_ROOT/<tarball sha256>-<config sha>-<python tag>/, so a
# second run takes seconds. PJPROJECT_TARBALL=path skips the download (offline/image builds).
set -euo pipefail

PY=${1:?usage: build.sh PYTHON CACHE_ROOT}
CACHE_ROOT=${2:?usage: build.sh PYTHON CACHE_ROOT}
HERE=$(cd "$(dirname "$0")" && pwd)
EXPECT_VERSION="2.17"
JOBS=${JOBS:-$(nproc)}

step() { echo "[pjsua2] $*" >&2; }
fail() { echo "[pjsua2] FAILED: $1" >&2; echo "[pjsua2] fix: $2" >&2; exit 1; }

mkdir -p "$CACHE_ROOT/src"
tarball=${PJPROJECT_TARBALL:-}
if [ -z "$tarball" ]; then
  tarball=$(ls "$CACHE_ROOT"/src/*orig-Xpjproject.tar.xz 2>/dev/null | head -n1 || true)
fi
if [ -z "$tarball" ]; then
  step "downloading pjproject source (Debian 'asterisk' source package, sid, component orig-Xpjproject)"
  (cd "$CACHE_ROOT/src" && apt-get source --download-only asterisk >/dev/null 2>"$CACHE_ROOT/src/apt-source.log") \
    || fail "apt-get source --download-only asterisk (see $CACHE_ROOT/src/apt-source.log)" \
            "add a deb-src entry for the 'sid' suite and run apt-get update (make setup does this), or set PJPROJECT_TARBALL=path"
  tarball=$(ls "$CACHE_ROOT"/src/*orig-Xpjproject.tar.xz 2>/dev/null | head -n1 || true)
  [ -n "$tarball" ] || fail "the asterisk source package has no orig-Xpjproject component any more" \
                            "the Debian archive changed; download a pjproject $EXPECT_VERSION tarball and set PJPROJECT_TARBALL"
fi
[ -f "$tarball" ] || fail "PJPROJECT_TARBALL=$tarball does not exist" "point it at a pjproject .tar.xz/.tar.gz"

src_sha=$(sha256sum "$tarball" | cut -c1-16)
cfg_sha=$(cat "$HERE/config_site.h" "$0" | sha256sum | cut -c1-12)
pytag=$("$PY" -c 'import sys,platform; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{platform.machine()}")')
out="$CACHE_ROOT/$src_sha-$cfg_sha-$pytag"
if ls "$out"/dist/pjsua2-*.whl >/dev/null 2>&1 && [ -f "$out/.done" ]; then
  step "cached build found: $out"
  ls "$out"/dist/pjsua2-*.whl | head -n1
  exit 0
fi

rm -rf "$out" && mkdir -p "$out"
log="$out/build.log"
step "1/6 unpacking $(basename "$tarball") (sha256 $src_sha...)"
tar xf "$tarball" -C "$out"
srcdir=$(find "$out" -mindepth 1 -maxdepth 1 -type d | head -n1)
[ -f "$srcdir/version.mak" ] || fail "no version.mak in the tarball" "the tarball is not a pjproject source tree"
major=$(sed -n 's/^export PJ_VERSION_MAJOR *:= *//p' "$srcdir/version.mak")
minor=$(sed -n 's/^export PJ_VERSION_MINOR *:= *//p' "$srcdir/version.mak")
[ "$major.$minor" = "$EXPECT_VERSION" ] \
  || fail "pjproject version is $major.$minor, expected $EXPECT_VERSION" "the archive changed: review config_site.h and this script, then update EXPECT_VERSION"

step "2/6 configuring (system srtp/gsm/speex/samplerate, no video/sound, epoll)"
cp "$HERE/config_site.h" "$srcdir/pjlib/include/pj/config_site.h"
# Debian's repack drops the non-free BDIMAD device (as Debian's asterisk patch does).
sed -i 's/ bdimad_dev\.o//' "$srcdir/pjmedia/build/Makefile"
(cd "$srcdir" && CFLAGS="-fPIC -O2" CXXFLAGS="-fPIC -O2" ./configure \
    --with-external-srtp --with-external-gsm --with-external-speex --enable-libsamplerate \
    --disable-ilbc-codec --disable-g7221-codec --disable-video --disable-sound \
    --disable-libwebrtc --disable-libyuv --disable-v4l2 --disable-openh264 \
    --enable-epoll >"$log" 2>&1) || fail "configure (see $log)" "install the -dev packages make setup lists"

step "3/6 make dep"
(cd "$srcdir" && make dep >>"$log" 2>&1) || fail "make dep (see $log)" "see the log"
step "4/6 make -j$JOBS (a few minutes)"
(cd "$srcdir" && make -j"$JOBS" >>"$log" 2>&1) || fail "make (see $log)" "see the log"

step "5/6 generating the SWIG binding"
pydir="$srcdir/pjsip-apps/src/swig/python"
(cd "$pydir" && make pjsua2_wrap.cpp >>"$log" 2>&1) || fail "swig (see $log)" "install swig"
step "6/6 building the pjsua2 wheel for $pytag"
(cd "$pydir" && "$PY" -m pip wheel --no-deps --no-build-isolation -w "$out/dist" . >>"$log" 2>&1) \
  || fail "pip wheel (see $log)" "the venv needs setuptools and wheel"
touch "$out/.done"
# Keep the wheel, drop the multi-hundred-MB tree.
rm -rf "$srcdir"
ls "$out"/dist/pjsua2-*.whl | head -n1
