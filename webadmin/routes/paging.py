"""Paging groups: a number that pages member extensions (auto-answer, one-way audio).

The pages are the shared group pages (webadmin.routes.groups), as for pickup groups.
"""

from __future__ import annotations

import bottle

from telephony.park.admin import PagingInput, delete_paging, paging_group, paging_groups, save_paging
from webadmin.routes.groups import GroupPages, GroupStore

PAGING_STORE = GroupStore(paging_groups, paging_group, save_paging, delete_paging, PagingInput)
PAGING = GroupPages(
    keys="paging", area="paging", views="paging/", fields=("number", "name", "members"), store=PAGING_STORE
)


def register(app: bottle.Bottle) -> None:
    PAGING.register(app)
