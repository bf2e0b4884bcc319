"""Call pickup: group (*8) and directed (**<number>)."""
