# Stage 00-base, inside the target root: a read-only root that boots to multi-user with a network.
mkdir -p /data /boot/firmware
systemctl enable systemd-networkd.service
# Nothing waits for "network online": the box's services bind 0.0.0.0 and work when the link comes.
systemctl disable systemd-networkd-wait-online.service || true
systemctl set-default multi-user.target
# No password login for root (the installer uses the web admin); the serial console still shows boot.
passwd -l root
# systemd-logind (it turns the ACPI power button into a clean poweroff) has StateDirectory=systemd/linger:
# on the read-only root it must already exist, or logind fails to start.
mkdir -p /var/lib/systemd/linger
