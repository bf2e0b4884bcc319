"""Hardware abstraction: boards from board-configs/, ports (FXS, FXO, E1), drivers, and the simulator.

Never imports telephony: the HAL posts events and moves 20 ms audio frames; the core decides.

    from hal.builder import open_board
    board = open_board("sim")            # board.toml -> BoardSpec -> modules -> ports (sim or hardware)
    board.start()
    board.ports["fxs1"]                  # FxsPort / FxoPort / E1Span / E1Channel (hal.ports)
    board.drain_events()                 # list[HalEvent] (hal.events), non-blocking
    board.stop()

Module kinds plug in through hal.modules.register_module; the simulator's control surface is
hal.sim.control.SimControl (and hal.sim.http for JSON over HTTP).
"""
