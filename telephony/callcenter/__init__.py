"""The call center's data: queues, agents, skills, pause codes and customers, validated and saved.

`service` (queues, agents, skills, pause codes, and the builders that turn rows into the ACD
engine's QueueConfig / AgentConfig), `customers` (customer records, CSV import and export),
`usage` (who refers to a queue or a number), `errors`, and `messages` (the domain's messages in
zh-CN and English). Each change goes validate -> save -> ask pbx-core to reload "callcenter".
"""
