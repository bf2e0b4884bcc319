"""webadmin package."""
