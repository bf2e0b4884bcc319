"""Recorded number words on the IVR prompts page: uploaded and converted per language and word, listed
with a player, deleted, audited; a wrong word or a file that is not audio refused in both languages;
and the spoken number uses the uploaded words."""

from __future__ import annotations

import wave

import bottle

from telephony.models import AdminUser, AuditLog
from telephony.saynumbers import NumberSpeaker
from tests.support import audio
from tests.webadmin.test_web_moh import multipart


def upload(client, word: str, filename: str, content: bytes):
    token = client.get("/ivr/prompts").csrf()
    return multipart(client, "/ivr/prompts/sets", {"csrf_token": token, "word": word}, (filename, content))


def error_shown(page, field: str, text: str) -> bool:
    return f'id="{field}-error">{bottle.html_escape(text)}</div>' in page.text


def test_a_word_is_uploaded_converted_listed_played_and_deleted(admin, config, tmp_path):
    page = admin.get("/ivr/prompts").text
    assert 'id="prompt-sets"' in page and "0 of 40 recorded" in page and "0 of 23 recorded" in page
    assert '<option value="zh-CN/wu3">五 (wu3)</option>' in page
    source = audio.write_tone(tmp_path / "w.wav", 500, seconds=0.6, amplitude=3000).read_bytes()
    response = upload(admin, "zh-CN/wu3", "five.wav", source)
    assert response.status == 303 and response.location == "/ivr/prompts#prompt-sets"
    stored = config.media_dir / "prompts" / "sets" / "zh-CN" / "wu3.wav"
    with wave.open(str(stored), "rb") as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
    page = admin.get("/ivr/prompts").text
    assert "Word wu3 (zh-CN) recorded." in page and "1 of 23 recorded" in page
    assert 'data-word="zh-CN/wu3"' in page and 'src="/ivr/prompts/sets/zh-CN/wu3.wav"' in page
    assert admin.get("/ivr/prompts/sets/zh-CN/wu3.wav").body == stored.read_bytes()
    assert admin.get("/ivr/prompts/sets/zh-CN/yi1.wav").status == 404
    assert admin.get("/ivr/prompts/sets/en/bogus.wav").status == 404
    token = admin.get("/ivr/prompts").csrf()
    assert admin.post("/ivr/prompts/sets/zh-CN/wu3/delete", {"csrf_token": token}).status == 303
    assert not stored.exists()
    actions = [(a.action, a.target) for a in AuditLog.select().order_by(AuditLog.id)]
    assert actions[-2:] == [("ivr.prompt_set_upload", "zh-CN/wu3"), ("ivr.prompt_set_delete", "zh-CN/wu3")]


def test_a_wrong_word_or_a_file_that_is_not_audio_is_refused_in_both_languages(admin, config, tmp_path):
    tone = audio.write_tone(tmp_path / "w.wav", 500, seconds=0.5).read_bytes()
    page = upload(admin, "en/eleventy", "w.wav", tone)
    assert page.status == 422
    assert error_shown(
        page, "set_word", "en/eleventy is not a word of a prompt set; choose one from the list"
    )
    page = upload(admin, "en/seven", "notes.txt", b"not a recording" * 40)
    assert page.status == 422 and 'id="set_file-error">notes.txt is not audio this box can read' in page.text
    AdminUser.update(language="zh-CN").execute()
    page = upload(admin, "fr/sept", "w.wav", tone)
    assert error_shown(page, "set_word", "fr/sept 不是读音集中的字词；请从列表中选择")
    page = upload(admin, "en/seven", "notes.txt", b"not a recording" * 40)
    assert 'id="set_file-error">notes.txt 不是本机可读取的音频' in page.text
    assert not (config.media_dir / "prompts" / "sets").exists() or not any(
        (config.media_dir / "prompts" / "sets").rglob("*.wav")
    )
    assert not AuditLog.select().where(AuditLog.action.startswith("ivr.prompt_set")).exists()


def test_uploads_need_the_csrf_token(admin, tmp_path):
    tone = audio.write_tone(tmp_path / "w.wav", 500, seconds=0.5).read_bytes()
    response = multipart(admin, "/ivr/prompts/sets", {"word": "en/seven"}, ("w.wav", tone))
    assert response.status == 403


def test_the_spoken_number_is_made_of_the_uploaded_words(admin, config, tmp_path):
    for word, freq in (("seven", 700), ("hundred", 1100)):
        tone = audio.write_tone(tmp_path / f"{word}.wav", freq, seconds=0.5).read_bytes()
        assert upload(admin, f"en/{word}", f"{word}.wav", tone).status == 303
    speaker = NumberSpeaker(config.media_dir)
    try:
        path = speaker.render(700, "number", "en")
    finally:
        speaker.close()
    assert path.parent == config.media_dir / "prompts" / "sets-cache" / "en"
    pcm = audio.read_pcm(path)
    assert audio.dominant(pcm[800:3200], [700, 1100]) == 700
    assert audio.dominant(pcm[4800:7200], [700, 1100]) == 1100
