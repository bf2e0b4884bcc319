"""ISDN PRI protocol stack in pure Python, no I/O: Q.921 LAPD and Q.931 call control.

- `q921`: LAPD frame codec (address, I/S/U control fields, modulo 128, FCS-16 helpers).
- `q921_link` + `q921_states`: the LAPD data link (TEI assigned .. timer recovery; T200/T203/N200).
- `q931`: Q.931 message and information-element codec.
- `q931_call` + `q931_states`: the per-call state machine, user side (U states) or network side
  (N states); timers T303/T305/T308/T310/T313.
- `timers`: named deadlines on an injectable clock, polled by the owner (tests use a fake clock).

The span (hal.e1) wires these to a line driver; the simulated carrier (hal.sim.carrier) runs the
same stack on the network side.
"""
