"""Hardware abstraction: boards from board-configs/, ports (FXS, FXO, E1), drivers, and the simulator.

Never imports telephony: the HAL posts events and moves 20 ms audio frames; the core decides.
"""
