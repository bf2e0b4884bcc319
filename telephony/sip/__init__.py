"""Thin pjsua2 subclasses: their callbacks only build events for the engine loop."""
