"""The call center inside pbx-core: queues driven by the pure ACD engine, with real call legs.

`QueueRuntime` (service.py) feeds telephony.acd's engine from the database and from call events
and executes its actions; `QueueCall` (call.py) is one caller in a queue; `MohPool` (moh.py)
shares one music-on-hold player per class; `CtiBus` (cti.py) is the event stream for consoles.
"""
