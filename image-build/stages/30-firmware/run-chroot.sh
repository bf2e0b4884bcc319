# Stage 30-firmware, inside the target root: first boot before the box, a watchdog device for pbx-watchdog.
systemctl enable pbx-firstboot.service pbx-grow-data.service
# systemd must not hold /dev/watchdog itself: pbx-watchdog feeds it, only while the box is healthy.
mkdir -p /etc/systemd/system.conf.d
printf '[Manager]\nRuntimeWatchdogSec=0\nRebootWatchdogSec=0\n' >/etc/systemd/system.conf.d/30-pbx-watchdog.conf
# qemu (amd64) has no watchdog chip: the kernel's softdog is the device (reboots 60 s after the
# last feed). The Pi's bcm2835_wdt is built into its kernel.
if [ "${PBX_ARCH:-$(dpkg --print-architecture)}" = amd64 ]; then
  mkdir -p /etc/modules-load.d
  echo softdog >/etc/modules-load.d/pbx-watchdog.conf
fi
