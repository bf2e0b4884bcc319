"""The box's telephony domain: models, the pjsua2 engine (pbx-core) and feature services."""
