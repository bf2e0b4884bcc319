"""Uploaded IVR prompts: media/prompts/<name>.wav, converted on upload like music on hold.

The upload path (size and length limits, sniffing, sox conversion to 8 kHz mono with the level
evened out, atomic replace) is telephony.media.moh's; only the folder, the length limit and what
counts as a user differ. A node plays one with `"file": "<name>.wav"`; pbx-core opens the file per
call, so nothing is reloaded. A prompt a flow's node names is not deleted.
"""

from __future__ import annotations

import logging
from pathlib import Path

from telephony import messages
from telephony.errors import InUse
from telephony.media.errors import MediaError, MohClassNotFound
from telephony.media.moh import NAME_RE, MohClass, MohLibrary, check_name
from telephony.messages import Phrase

log = logging.getLogger(__name__)

MAX_PROMPT_SECONDS = 300.0

CATALOG: dict[str, dict[str, str]] = {
    "inuse.ivr_prompt": {"en": "prompt {name}", "zh-CN": "提示音 {name}"},
    "inuse.ivr_node": {"en": "IVR node {name}", "zh-CN": "语音导航节点 {name}"},
    "ivr.prompt_not_found": {"en": "prompt {name} does not exist", "zh-CN": "提示音 {name} 不存在"},
}
for _key, _entry in CATALOG.items():
    messages.CATALOG.setdefault(_key, _entry)


class PromptNotFound(MohClassNotFound):
    """No uploaded prompt has this name."""

    key = "ivr.prompt_not_found"


class PromptInUse(MediaError, InUse):
    """IVR nodes play this prompt; it is not deleted (`users` names them)."""

    def __init__(self, what: Phrase, users: list[Phrase]) -> None:
        InUse.__init__(self, what, users)
        self.params = {}

    def render(self, language: str) -> str:
        return InUse.render(self, language)


class PromptLibrary(MohLibrary):
    """The uploaded prompts of one box."""

    def __init__(self, media_dir: Path, **kwargs: object) -> None:
        kwargs.setdefault("max_seconds", MAX_PROMPT_SECONDS)
        super().__init__(media_dir, None, **kwargs)  # type: ignore[arg-type]
        self.dir = Path(media_dir) / "prompts"

    def classes(self) -> list[MohClass]:
        """Every uploaded prompt by name (text-to-speech renderings live apart, under tts/)."""
        if not self.dir.is_dir():
            return []
        found = [
            self._describe(p) for p in sorted(self.dir.glob("*.wav")) if NAME_RE.match(p.stem) and p.is_file()
        ]
        return found

    def exists(self, name: str) -> bool:
        return bool(NAME_RE.match(name or "")) and self.path(name).is_file()

    def get(self, name: str) -> MohClass:
        check_name(name)
        for prompt in self.classes():
            if prompt.name == name:
                return prompt
        raise PromptNotFound(name=name)

    def node_users(self, name: str) -> list[str]:
        """The IVR nodes ("flow/node") whose prompt is this file."""
        from telephony.models import IvrNode

        file = f"{name}.wav"
        return [
            f"{n.flow.number}/{n.key}"
            for n in IvrNode.select().order_by(IvrNode.id)
            if str(n.params_dict.get("file", "")).strip() == file
        ]

    def delete(self, name: str) -> None:
        """Delete a prompt; refused while a node plays it."""
        check_name(name)
        path = self.path(name)
        if not path.is_file():
            raise PromptNotFound(name=name)
        users = self.node_users(name)
        if users:
            raise PromptInUse(Phrase("inuse.ivr_prompt", name), [Phrase("inuse.ivr_node", u) for u in users])
        path.unlink()
        self._sync_dir()
        log.info("IVR prompt %r deleted", name)

    def _reload(self) -> bool:
        return False  # pbx-core opens prompt files per call: nothing to reload
