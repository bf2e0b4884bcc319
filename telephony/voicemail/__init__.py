"""Voicemail: mailboxes per extension, leaving messages, the phone menu, MWI and email notification."""
