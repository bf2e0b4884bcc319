"""Audio the admin uploads for the box to play: music-on-hold classes (moh.py).

Uploads are converted here, once, to the one format pbx-core plays (8 kHz mono 16-bit PCM WAV),
so the core never transcodes and never meets a file it cannot open.
"""
