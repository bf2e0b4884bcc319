"""Call park and retrieve: slots, music on hold, ring-back after the timeout."""
