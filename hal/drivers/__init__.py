"""Chip drivers and bus openers: the only place smbus2, spidev, pyserial and gpiozero are imported.

One module per chip (mcp23017, at24, si3215, si3050) plus the bus openers (bus.py), GPIO lines
(gpio.py) and the PCM voice bus (pcm.py). Every driver takes its bus object as an argument, so the
simulator hands them fake buses that implement the same methods.
"""
