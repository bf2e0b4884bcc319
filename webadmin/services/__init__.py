"""Database work of the web admin; route handlers call these and hold no SQL themselves."""
