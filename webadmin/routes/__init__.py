"""One module per admin area; each has `register(app)` adding its routes."""
