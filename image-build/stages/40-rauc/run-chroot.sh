# Stage 40-rauc, inside the target root (PBX_BOARD, PBX_ARCH set by the build).
: "${PBX_BOARD:?run-chroot.sh needs PBX_BOARD (the board name RAUC bundles must be compatible with)}"
sed -i "s/@BOARD@/${PBX_BOARD}/" /etc/rauc/system.conf
if [ ! -s /etc/rauc/keyring.pem ]; then
  echo "40-rauc: /etc/rauc/keyring.pem is missing: the build's 'RAUC keyring' step (steps/rauc.py) must run before the stages" >&2
  exit 1
fi
systemctl enable pbx-mark-good.service pbx-reboot.path
# The initrd (with local-top/pbx-slot and its hook) is rebuilt by the build's boot-files step.
