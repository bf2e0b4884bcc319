"""The update keyring in the root: the CA certificate RAUC checks every bundle's signature against.

Development builds make (once) and use the git-ignored keys in image-build/keys/ (bundle.py);
a vendor build points PBX_RAUC_KEYS at its own directory. Only the certificate enters the image.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from steps import BuildError, log


def install_keyring(ctx) -> None:
    """Copy the update CA certificate to /etc/rauc/keyring.pem (stage 40-rauc's system.conf names it)."""
    import bundle  # image-build/bundle.py, next to build.py

    keys_dir = Path(os.environ.get("PBX_RAUC_KEYS", ctx.repo / "image-build" / "keys"))
    try:
        keys = bundle.ensure_keys(keys_dir)
    except bundle.BundleError as exc:
        raise BuildError(f"RAUC keys in {keys_dir}: {exc}") from exc
    target = ctx.root / "etc" / "rauc" / "keyring.pem"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(keys.ca_cert, target)
    os.chmod(target, 0o644)
    ctx.facts["rauc_keyring"] = str(keys.ca_cert)
    log.info("    RAUC keyring: %s -> /etc/rauc/keyring.pem", keys.ca_cert)
