"""Routing tables of the lines: per-port settings, trunk groups, inbound routes and dial rules."""
