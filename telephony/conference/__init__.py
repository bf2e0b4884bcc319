"""Conference rooms at run time: callers dial a room, give its PIN and talk in the bridge."""
