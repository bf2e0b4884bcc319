"""Two-party calls through the B2BUA: route, ring, bridge, tear down, record the CDR."""
