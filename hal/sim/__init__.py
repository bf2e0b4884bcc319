"""The simulator: simulated buses and chips that the real drivers run against, far ends, a control surface.

backend.SimBackend builds the simulated hardware for a board file: gpiozero MockFactory pins, fake
I2C buses with register-accurate MCP23017/AT24 chips, fake SPI devices answering like the Si3215
and Si3050, a sim PCM bus that paces the line clock, and the far ends (phone.SimPhone on each FXS
port, pstn.SimPstnLine on each FXO port, the E1 carrier from hal.sim.carrier). control.SimControl
is the Python control surface; http.SimHttpServer exposes it as JSON over HTTP.
"""
