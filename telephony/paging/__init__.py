"""Intercom (*80<ext>, auto-answer) and paging groups (one-way to every member)."""
