"""Command-line entry points of the box; `pbxctl` is the installer's tool."""
