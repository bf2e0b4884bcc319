"""Errors of the media services; each roots at telephony.errors.TelephonyError.

Each also inherits the built-in it resembles (ValueError, LookupError, RuntimeError) and, where one
exists, the shared telephony error the front ends already handle (NotFound, InUse). An upload
error names the form field it is about (`field`: "name" or "file") and renders itself in the
reader's language with `render(language)`; str() is the English text.
"""

from __future__ import annotations

from telephony.errors import InUse, NotFound, TelephonyError
from telephony.media import messages as _messages  # noqa: F401  (registers the catalog)
from telephony.messages import Phrase, render


class MediaError(TelephonyError):
    """Base of every error the media services raise; carries a message key and its arguments."""

    key = ""
    field = "file"

    def __init__(self, key: str = "", /, **params: object) -> None:
        self.key = key or self.key  # a subclass has one key; a few have a variant (empty, silent)
        self.params = params
        super().__init__(self.render("en"))

    def render(self, language: str) -> str:
        return render(self.key, language, **self.params)


class BadClassName(MediaError, ValueError):
    """The class name is not 1-32 of a-z, 0-9, '_' and '-'."""

    key = "moh.name"
    field = "name"


class NotAudio(MediaError, ValueError):
    """sox cannot read the upload as audio (`detail` is sox's short reason)."""

    key = "moh.not_audio"


class FormatUnsupported(MediaError, ValueError):
    """The upload is in a format this box's sox was built without (MP3 without libsox-fmt-mp3)."""

    key = "moh.unsupported"


class TooBig(MediaError, ValueError):
    """The upload is larger than the size limit."""

    key = "moh.too_big"


class TooLong(MediaError, ValueError):
    """The upload plays longer than the length limit."""

    key = "moh.too_long"


class ConversionFailed(MediaError, RuntimeError):
    """sox read the upload but could not write the converted file (disk full, timeout, no sox)."""

    key = "moh.convert_failed"


class MohClassNotFound(MediaError, NotFound):
    """No music-on-hold class has this name."""

    key = "moh.not_found"
    field = "name"


class MohClassProtected(MediaError, PermissionError):
    """The default class plays for every queue without a class of its own: it is never deleted."""

    key = "moh.default_kept"
    field = "name"


class MohClassInUse(MediaError, InUse):
    """Queues play this class; it is not deleted (`users` names them)."""

    def __init__(self, what: Phrase, users: list[Phrase]) -> None:
        InUse.__init__(self, what, users)
        self.params = {}

    def render(self, language: str) -> str:
        return InUse.render(self, language)
