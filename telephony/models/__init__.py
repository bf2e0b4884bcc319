"""The peewee models of the box's domain; webadmin and firmware import them, never the reverse."""

from telephony.models.admin import AdminUser, AuditLog, WebSession
from telephony.models.base import BaseModel, utcnow
from telephony.models.callcenter import (
    CALLCENTER_MODELS,
    MEMBER_KINDS,
    SKILL_LEVELS,
    AcdEvent,
    Agent,
    AgentSkill,
    Customer,
    CustomerNumber,
    PauseCode,
    Queue,
    QueueMember,
    QueueSkill,
    Skill,
    SurveyScore,
)
from telephony.models.conference import CONFERENCE_MODELS, ConferenceRoom
from telephony.models.db import database, open_database
from telephony.models.features import (
    FEATURE_MODELS,
    CallerList,
    ExtensionFeatures,
    HotDesk,
    RingGroup,
    SpeedDial,
)
from telephony.models.ivr import IVR_MODELS, IvrFlow, IvrNode, IvrTrail
from telephony.models.lines import PERMISSIONS, DialRule, InboundRoute, PortSetting, TrunkGroup
from telephony.models.park import PARK_MODELS, PagingGroup, ParkConfig, PickupGroup, park_config
from telephony.models.pbx import DEFAULT_REALM, CallLeg, Cdr, Extension, Setting, sip_ha1
from telephony.models.recording import RECORDING_MODELS, Recording, RecordingRule
from telephony.models.voicemail import VOICEMAIL_MODELS, Mailbox, VoicemailMessage

# The tables of the first schema; later tables are created by their own numbered migration.
ALL_MODELS = [Setting, Extension, Cdr, CallLeg, AdminUser, WebSession, AuditLog]

__all__ = [
    "ALL_MODELS",
    "CONFERENCE_MODELS",
    "PARK_MODELS",
    "PagingGroup",
    "ParkConfig",
    "PickupGroup",
    "park_config",
    "ConferenceRoom",
    "FEATURE_MODELS",
    "CallerList",
    "ExtensionFeatures",
    "HotDesk",
    "RingGroup",
    "SpeedDial",
    "VOICEMAIL_MODELS",
    "RECORDING_MODELS",
    "Recording",
    "RecordingRule",
    "Mailbox",
    "VoicemailMessage",
    "CALLCENTER_MODELS",
    "MEMBER_KINDS",
    "SKILL_LEVELS",
    "AcdEvent",
    "Agent",
    "AgentSkill",
    "Customer",
    "CustomerNumber",
    "PauseCode",
    "Queue",
    "QueueMember",
    "QueueSkill",
    "Skill",
    "SurveyScore",
    "IVR_MODELS",
    "IvrFlow",
    "IvrNode",
    "IvrTrail",
    "DEFAULT_REALM",
    "PERMISSIONS",
    "DialRule",
    "InboundRoute",
    "PortSetting",
    "TrunkGroup",
    "AdminUser",
    "AuditLog",
    "BaseModel",
    "CallLeg",
    "Cdr",
    "Extension",
    "Setting",
    "WebSession",
    "database",
    "open_database",
    "sip_ha1",
    "utcnow",
]
