"""Per-extension routing features: DND, call forward, follow-me, ring groups, caller lists, caller-ID
names, speed dials and hot-desk (see telephony.features.service for how they plug into the core)."""
