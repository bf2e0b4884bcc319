"""The configuration document: settings, extensions, line tables and the call center as one YAML file."""

from telephony.configdoc.schema import SECTIONS, VERSION, ConfigDocError, describe, parse_document
from telephony.configdoc.service import ConfigDocService, Counts, ImportResult, Notice

__all__ = [
    "SECTIONS",
    "VERSION",
    "ConfigDocError",
    "ConfigDocService",
    "Counts",
    "ImportResult",
    "Notice",
    "describe",
    "parse_document",
]
