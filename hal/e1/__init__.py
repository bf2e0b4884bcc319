"""E1 span: layer 1 from the line module, 30 B-channels, call signalling (ISDN PRI; China No.1 later).

- `span`: the E1Span port the core uses (events, call control, channel ports e1/1..e1/30).
- `signalling`: the Signalling interface and B-channel pool; `pri`: ISDN PRI over hal.isdn.
- `wire`: the line module's UART protocol; `g711`: A-law block conversion.
- `module`: the `e1` module kind (E1Module), registered below with hal.modules.

hal.modules imports this package to find the `e1` factory. The factory imports hal.e1.module on first
use rather than here, because the UART driver (hal.drivers.e1_uart) imports hal.e1.wire, and an eager
import of the module (which imports the driver) would be circular.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hal.modules import register_module

if TYPE_CHECKING:
    from hal.modules import LineModule, ModuleContext


@register_module("e1")
def build_e1_module(ctx: ModuleContext) -> LineModule:
    """Build an `e1` slot (see hal.e1.module.E1Module)."""
    from hal.e1.module import E1Module  # noqa: PLC0415 - see the package docstring

    return E1Module(ctx)
