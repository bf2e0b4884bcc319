"""Music-on-hold classes: uploads converted by the real sox, refusals that change nothing, deletes,
and pbx-core's player pool reopening a replaced file (pjsua2, in a child process)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import time
import wave
from pathlib import Path

import pytest

from telephony.errors import InUse, NotFound, TelephonyError
from telephony.media.errors import (
    BadClassName,
    FormatUnsupported,
    MediaError,
    MohClassInUse,
    MohClassNotFound,
    MohClassProtected,
    NotAudio,
    TooBig,
    TooLong,
)
from telephony.media.moh import DEFAULT_CLASS, MohLibrary, sniff, sox_formats
from telephony.models import Queue, open_database

ROOT = Path(__file__).resolve().parents[2]


class RecordingControl:
    """Stands in for pbx-core's control client; remembers the reloads asked for."""

    def __init__(self, fail: bool = False) -> None:
        self.reloads: list[str] = []
        self.fail = fail

    def reload(self, what: str = "all") -> dict:
        from telephony.errors import ControlError

        if self.fail:
            raise ControlError("connection refused")
        self.reloads.append(what)
        return {"ok": True}


@pytest.fixture
def db(tmp_path):
    return open_database(tmp_path / "pbx.sqlite3")


@pytest.fixture
def control():
    return RecordingControl()


@pytest.fixture
def library(db, tmp_path, control):
    return MohLibrary(tmp_path / "media", control)


def sox_make(path: Path, seconds: float, rate: int = 44100, channels: int = 2) -> Path:
    """Make a test file with sox itself (the type follows the extension): two tones, one per channel."""
    subprocess.run(
        ["sox", "-n", "-r", str(rate), "-c", str(channels)]
        + (["-b", "16"] if path.suffix in (".wav", ".flac") else [])
        + [str(path)]
        + ["synth", str(seconds), "sine", "440", "sine", "660", "gain", "-12"],
        check=True,
        capture_output=True,
    )
    return path


def wav_facts(path: Path) -> tuple[int, int, int, str, float]:
    with wave.open(str(path), "rb") as w:
        return (
            w.getframerate(),
            w.getnchannels(),
            w.getsampwidth(),
            w.getcomptype(),
            w.getnframes() / w.getframerate(),
        )


def peak_dbfs(path: Path) -> float:
    import array
    import math

    with wave.open(str(path), "rb") as w:
        pcm = array.array("h", w.readframes(w.getnframes()))
    return 20 * math.log10(max(abs(s) for s in pcm) / 32768)


def leftovers(library: MohLibrary) -> list[str]:
    return sorted(p.name for p in library.dir.iterdir() if p.name.startswith("."))


# --- uploads -------------------------------------------------------------------------------------


def test_upload_converts_a_44k_stereo_wav_to_8k_mono_16bit_of_the_same_length(library, control, tmp_path):
    source = sox_make(tmp_path / "music.wav", 3.0)
    facts = subprocess.run(["sox", "--i", str(source)], capture_output=True, text=True).stdout
    assert "Channels       : 2" in facts and "Sample Rate    : 44100" in facts and "16-bit" in facts
    got = library.upload("jazz", source.read_bytes(), "music.wav")
    stored = library.dir / "jazz.wav"
    rate, channels, width, comp, seconds = wav_facts(stored)
    assert (rate, channels, width, comp) == (8000, 1, 2, "NONE")
    assert seconds == pytest.approx(3.0, abs=0.05)
    assert (got.name, got.file, got.size) == ("jazz", "jazz.wav", stored.stat().st_size)
    assert got.seconds == pytest.approx(3.0, abs=0.05)
    # The level is normalised: the -12 dB source now peaks at about -6 dBFS.
    assert peak_dbfs(stored) == pytest.approx(-6.0, abs=0.5)
    assert control.reloads == ["moh"]
    assert leftovers(library) == []


@pytest.mark.parametrize("suffix", ["ogg", "flac"])
def test_upload_converts_ogg_and_flac(library, tmp_path, suffix):
    source = sox_make(tmp_path / f"music.{suffix}", 2.0, rate=48000)
    with open(source, "rb") as f:  # a file object, as the web admin passes the upload
        library.upload("rock", f, source.name)
    assert wav_facts(library.dir / "rock.wav")[:4] == (8000, 1, 2, "NONE")
    assert wav_facts(library.dir / "rock.wav")[4] == pytest.approx(2.0, abs=0.05)


def test_the_type_comes_from_the_contents_not_the_name(library, tmp_path):
    source = sox_make(tmp_path / "music.ogg", 1.0)
    library.upload("odd", source.read_bytes(), "music.wav")  # an OGG named .wav
    assert wav_facts(library.dir / "odd.wav")[4] == pytest.approx(1.0, abs=0.05)


@pytest.mark.skipif("mp3" not in sox_formats(), reason="this sox has no MP3 support (libsox-fmt-mp3)")
def test_upload_converts_an_mp3_when_sox_reads_mp3(library, tmp_path):
    source = sox_make(tmp_path / "music.mp3", 2.0)
    library.upload("pop", source.read_bytes(), "music.mp3")
    assert wav_facts(library.dir / "pop.wav")[4] == pytest.approx(2.0, abs=0.1)


def test_an_mp3_is_refused_by_name_when_sox_cannot_read_mp3(db, tmp_path, control):
    library = MohLibrary(tmp_path / "media", control, formats=frozenset({"wav", "ogg", "flac"}))
    mp3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
    with pytest.raises(FormatUnsupported) as info:
        library.upload("pop", mp3, "song.mp3")
    assert str(info.value) == (
        "song.mp3 is MP3, which this box's sox cannot read; convert it to one of WAV, OGG, FLAC and upload that"
    )
    assert info.value.render("zh-CN") == (
        "song.mp3 是 MP3 格式，本机的 sox 无法读取；请先转换为以下格式之一再上传：WAV, OGG, FLAC"
    )
    assert not (library.dir / "pop.wav").exists() and leftovers(library) == []
    assert control.reloads == []


def test_sniff_knows_mp3_by_header_or_name_and_not_aac():
    assert sniff(b"ID3\x03", "x.bin") == "mp3"
    assert sniff(b"\xff\xfb\x90\x64", "x") == "mp3"
    assert sniff(b"\xff\xf1\x50\x80", "x.aac") == ""  # ADTS AAC: layer bits 00
    assert sniff(b"RIFF....WAVE", "x.MP3") == "mp3"
    assert sniff(b"OggS", "x.ogg") == ""


def test_a_new_upload_replaces_the_music_of_its_class(library, tmp_path):
    library.upload("jazz", sox_make(tmp_path / "a.wav", 1.0).read_bytes(), "a.wav")
    library.upload("jazz", sox_make(tmp_path / "b.wav", 2.0).read_bytes(), "b.wav")
    assert wav_facts(library.dir / "jazz.wav")[4] == pytest.approx(2.0, abs=0.05)
    assert [c.name for c in library.classes()] == ["default", "jazz"]


# --- refusals change nothing ---------------------------------------------------------------------


@pytest.fixture
def jazz(library, tmp_path) -> tuple[Path, bytes, int]:
    """Class jazz with music; (path, its bytes, its mtime) to prove a refusal left it alone."""
    library.upload("jazz", sox_make(tmp_path / "jazz-src.wav", 1.0).read_bytes(), "jazz-src.wav")
    path = library.dir / "jazz.wav"
    library.control.reloads.clear()
    return path, path.read_bytes(), path.stat().st_mtime_ns


def assert_untouched(library: MohLibrary, jazz: tuple[Path, bytes, int]) -> None:
    path, data, mtime = jazz
    assert path.read_bytes() == data and path.stat().st_mtime_ns == mtime
    assert leftovers(library) == []
    assert library.control.reloads == []


def test_garbage_is_refused_saying_sox_cannot_read_it_and_the_music_stays(library, jazz):
    with pytest.raises(NotAudio) as info:
        library.upload("jazz", os.urandom(5000), "holiday.wav")
    assert str(info.value) == (  # the formats named are those this box's sox reads (MP3 with libsox-fmt-mp3)
        f"holiday.wav is not audio this box can read ({library.readable()}): "
        "can't determine type of file `holiday.wav'"
    )
    assert "/" not in str(info.value)  # no temp path of ours leaks into the message
    assert info.value.field == "file"
    assert_untouched(library, jazz)


def test_a_text_file_and_an_empty_file_are_refused(library, jazz):
    with pytest.raises(NotAudio, match="^notes.txt is not audio"):
        library.upload("jazz", b"hello, this is not music\n" * 20, "notes.txt")
    with pytest.raises(NotAudio) as info:
        library.upload("jazz", b"", "empty.ogg")
    assert str(info.value) == "empty.ogg is empty"
    assert_untouched(library, jazz)


def test_a_wav_header_with_no_sound_is_refused(library, jazz, tmp_path):
    empty = tmp_path / "silence.wav"
    with wave.open(str(empty), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
    with pytest.raises(NotAudio, match="holds no sound"):
        library.upload("jazz", empty.read_bytes(), "silence.wav")
    assert_untouched(library, jazz)


def test_a_file_over_the_size_limit_is_refused(db, tmp_path, control):
    library = MohLibrary(tmp_path / "media", control, max_bytes=1024 * 1024)
    ok = library.upload("jazz", sox_make(tmp_path / "s.wav", 1.0).read_bytes(), "s.wav")
    before = (library.dir / "jazz.wav").read_bytes()
    big = bytes(1024 * 1024 + 512 * 1024)
    with pytest.raises(TooBig) as info:
        library.upload("jazz", big, "big.wav")
    assert str(info.value) == "big.wav is 1.5 MiB; the limit is 1 MiB"
    with pytest.raises(TooBig) as info:
        library.upload("jazz", io.BytesIO(big), "big.wav")  # streamed: stops reading at the limit
    assert str(info.value) == "big.wav is 1.5 MiB; the limit is 1 MiB"
    assert info.value.render("zh-CN") == "big.wav 大小为 1.5 MiB，上限为 1 MiB"
    assert (library.dir / "jazz.wav").read_bytes() == before and ok.name == "jazz"
    assert leftovers(library) == []


def test_the_default_size_and_length_limits():
    library = MohLibrary(Path("/nonexistent"))
    assert (library.max_bytes, library.max_seconds) == (20 * 1024 * 1024, 600)


def test_a_file_over_the_length_limit_is_refused(db, tmp_path, control):
    library = MohLibrary(tmp_path / "media", control, max_seconds=2)
    with pytest.raises(TooLong) as info:
        library.upload("long", sox_make(tmp_path / "long.flac", 3.0).read_bytes(), "long.flac")
    assert str(info.value) == "long.flac plays for 0:03; the limit is 0:02 (minutes:seconds)"
    assert not (library.dir / "long.wav").exists() and leftovers(library) == []
    assert control.reloads == []


def test_a_file_whose_header_hides_its_length_is_cut_at_the_limit_and_refused(db, tmp_path, control):
    library = MohLibrary(tmp_path / "media", control, max_seconds=2)
    library._probe = lambda src, kind, display: 0.0  # as a stream that does not say its length
    with pytest.raises(TooLong) as info:
        library.upload("long", sox_make(tmp_path / "long.wav", 5.0).read_bytes(), "long.wav")
    assert str(info.value) == "long.wav plays for >0:02; the limit is 0:02 (minutes:seconds)"
    assert not (library.dir / "long.wav").exists() and leftovers(library) == []


@pytest.mark.parametrize("name", ["", "Jazz", "soft jazz", "a" * 33, "../etc", "x.y", "默认"])
def test_bad_class_names_are_refused(library, name):
    with pytest.raises(BadClassName) as info:
        library.upload(name, b"RIFF", "x.wav")
    assert str(info.value) == "must be 1 to 32 lowercase letters, digits, dashes or underscores"
    assert info.value.field == "name"
    assert info.value.render("zh-CN") == "必须是 1 到 32 个小写字母、数字、短横线或下划线"


def test_good_class_names(library, tmp_path):
    data = sox_make(tmp_path / "s.wav", 0.5).read_bytes()
    for name in ("a", "x" * 32, "sales_2-b"):
        library.upload(name, data, "s.wav")
    assert library.names() == ["a", "default", "sales_2-b", "x" * 32]


def test_an_upload_cut_off_earlier_is_swept(library, jazz):
    stale_dir = library.dir / ".upload-old"
    stale_dir.mkdir()
    (stale_dir / "input").write_bytes(b"x")
    stale_part = library.dir / ".jazz.abc.part"
    stale_part.write_bytes(b"x")
    fresh = library.dir / ".rock.def.part"  # another upload going on right now
    fresh.write_bytes(b"x")
    for path in (stale_dir, stale_part):
        os.utime(path, (time.time() - 7200, time.time() - 7200))
    library.upload("jazz", jazz[1], "again.wav")
    assert leftovers(library) == [".rock.def.part"]


# --- listing ---------------------------------------------------------------------------------------


def test_the_default_class_is_listed_as_built_in_until_uploaded(library, tmp_path):
    (default,) = library.classes()
    assert (default.name, default.builtin, default.file) == (DEFAULT_CLASS, True, "")
    assert library.exists("default") and not library.exists("jazz")
    library.upload("default", sox_make(tmp_path / "d.wav", 1.0).read_bytes(), "d.wav")
    (default,) = library.classes()
    assert not default.builtin and default.seconds == pytest.approx(1.0, abs=0.05)


def test_the_listing_shows_each_class_with_its_length_and_size(library, tmp_path):
    library.upload("b-two", sox_make(tmp_path / "2.wav", 2.0).read_bytes(), "2.wav")
    library.upload("a-one", sox_make(tmp_path / "1.wav", 1.0).read_bytes(), "1.wav")
    (library.dir / "Odd Name.wav").write_bytes(b"copied in by hand")
    rows = [(c.name, round(c.seconds, 1), c.size) for c in library.classes()]
    assert rows == [("a-one", 1.0, 16044), ("b-two", 2.0, 32044), ("default", 0.0, 0)]
    assert library.get("b-two").file == "b-two.wav"
    with pytest.raises(MohClassNotFound):
        library.get("nothing")


# --- deletes ---------------------------------------------------------------------------------------


def test_delete_removes_the_class_and_asks_for_a_reload(library, jazz, control):
    library.delete("jazz")
    assert not jazz[0].exists()
    assert library.names() == ["default"]
    assert control.reloads == ["moh"]


def test_delete_is_refused_while_queues_play_the_class_naming_them(library, jazz, control):
    Queue.create(number="801", name="Support", moh_class="jazz")
    Queue.create(number="802", name="Sales", moh_class="jazz")
    Queue.create(number="803", name="Other", moh_class="default")
    with pytest.raises(MohClassInUse) as info:
        library.delete("jazz")
    assert isinstance(info.value, InUse)
    assert str(info.value) == "music-on-hold class jazz is used by queue 801 Support and queue 802 Sales"
    assert info.value.render("zh-CN") == "等待音乐类别 jazz 正被 队列 801 Support和队列 802 Sales 使用"
    assert jazz[0].read_bytes() == jazz[1] and control.reloads == []
    Queue.update(moh_class="default").execute()
    library.delete("jazz")
    assert not jazz[0].exists()


def test_the_default_class_is_never_deleted(library, tmp_path):
    library.upload("default", sox_make(tmp_path / "d.wav", 0.5).read_bytes(), "d.wav")
    with pytest.raises(MohClassProtected) as info:
        library.delete("default")
    assert "never deleted" in str(info.value)
    assert (library.dir / "default.wav").exists()


def test_deleting_a_class_that_does_not_exist(library):
    with pytest.raises(MohClassNotFound) as info:
        library.delete("nothing")
    assert (
        isinstance(info.value, NotFound) and str(info.value) == "music-on-hold class nothing does not exist"
    )
    with pytest.raises(BadClassName):
        library.delete("../pbx")


def test_a_change_stands_when_pbx_core_is_down(db, tmp_path):
    library = MohLibrary(tmp_path / "media", RecordingControl(fail=True))
    library.upload("jazz", sox_make(tmp_path / "s.wav", 0.5).read_bytes(), "s.wav")
    assert library.reload_failed and library.exists("jazz")


def test_errors_root_at_telephony_error_and_the_builtins_they_resemble():
    for cls in (BadClassName, NotAudio, FormatUnsupported, TooBig, TooLong):
        assert issubclass(cls, MediaError) and issubclass(cls, TelephonyError) and issubclass(cls, ValueError)
    assert issubclass(MohClassNotFound, LookupError) and issubclass(MohClassProtected, PermissionError)


# --- pbx-core reopens a replaced file ------------------------------------------------------------

POOL_SCRIPT = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    import pjsua2 as pj
    from telephony.callcenter.runtime.moh import MohPool, write_default_music

    ep = pj.Endpoint()
    ep.libCreate()
    cfg = pj.EpConfig()
    cfg.uaConfig.threadCnt = 0
    cfg.uaConfig.mainThreadOnly = True
    cfg.medConfig.clockRate = 8000
    cfg.medConfig.sndClockRate = 8000
    cfg.logConfig.level = 0
    cfg.logConfig.consoleLevel = 0
    ep.libInit(cfg)
    ep.audDevManager().setNullDev()
    ep.libStart()
    media = Path(sys.argv[1])
    write_default_music(media / "moh" / "jazz.wav")
    write_default_music(media / "moh" / "rock.wav")
    pool = MohPool(media)
    caller = ep.audDevManager().getPlaybackDevMedia()
    port = caller.getPortId()

    def hears(player, want=True):
        # The bridge applies connects on its next clock tick: wait for it (at most a second).
        for _ in range(100):
            info = player.getPortInfo()  # held: its listeners vector lives in it
            if (port in list(info.listeners)) == want:
                return want
            time.sleep(0.01)
        return not want

    pool.start("jazz", caller)
    jazz, rock = pool.player("jazz"), pool.player("rock")
    assert hears(jazz)
    pool.reload()
    assert pool.player("jazz") is jazz and pool.player("rock") is rock, "unchanged files are kept"
    time.sleep(0.02)
    write_default_music(media / "moh" / "jazz.wav", note_s=0.25)  # replaced by a rename, as an upload is
    (media / "moh" / "rock.wav").unlink()
    pool.reload()
    new = pool.player("jazz")
    assert new is not jazz, "the replaced file is reopened"
    assert hears(new), "the caller moved to the new music"
    assert pool.player("rock") is pool.player("default"), "a deleted class plays the default"
    pool.stop("jazz", caller)
    assert not hears(new, want=False)
    pool.close()
    del jazz, rock, new
    ep.libDestroy()
    print("pool ok")
    """
)


def test_pbx_cores_player_pool_reopens_a_replaced_file_and_moves_its_callers(tmp_path):
    pytest.importorskip("pjsua2")
    result = subprocess.run(
        [sys.executable, "-c", POOL_SCRIPT, str(tmp_path / "media")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "pool ok" in result.stdout, result.stdout + result.stderr
