"""Web admin tables: users, server-side sessions, the audit log."""

from __future__ import annotations

import peewee

from telephony.models.base import BaseModel, utcnow


class AdminUser(BaseModel):
    """A person who logs in to the web admin; password kept as an argon2id hash only."""

    username = peewee.CharField(unique=True, max_length=64)
    password_hash = peewee.CharField(max_length=256)
    role = peewee.CharField(max_length=16, default="admin")  # admin, supervisor, agent
    language = peewee.CharField(max_length=8, default="zh-CN")
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "admin_user"


class WebSession(BaseModel):
    """A server-side login session; the cookie carries only the random id, stored hashed."""

    id_hash = peewee.CharField(primary_key=True, max_length=64)
    user = peewee.ForeignKeyField(AdminUser, backref="sessions", on_delete="CASCADE")
    csrf_token = peewee.CharField(max_length=64)
    created = peewee.DateTimeField(default=utcnow)
    expires = peewee.DateTimeField()
    remote_addr = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "web_session"


class AuditLog(BaseModel):
    """One admin action: who did what to which object, from where."""

    time = peewee.DateTimeField(default=utcnow, index=True)
    username = peewee.CharField(max_length=64)
    action = peewee.CharField(max_length=64)
    target = peewee.CharField(max_length=128, default="")
    detail = peewee.TextField(default="")
    remote_addr = peewee.CharField(max_length=64, default="")

    class Meta:
        table_name = "audit_log"
