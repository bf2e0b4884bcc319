"""The control API of pbx-core: a JSON-over-HTTP server on 127.0.0.1 and its client."""
