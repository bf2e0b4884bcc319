"""IVR: flows of nodes callers walk by pressing keys (validate before activation, run in pbx-core)."""
