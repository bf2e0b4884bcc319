"""Analog line ports (FXS, FXO) over their chip drivers, and the signalling DSP they need.

`modules` registers the `fxs` and `fxo` module kinds; `fxs`/`fxo` are the concrete ports; `hook`,
`ringer`, `supervision` hold their timing logic; `dsp`, `dtmf`, `fsk`, `callerid`, `tones` the
block DSP (C-speed on voice frames, per-sample only while signalling).
"""
