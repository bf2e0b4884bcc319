"""The box's own lines (FXS, FXO, E1) in the core: media ports, per-port state, routing of HAL events."""
