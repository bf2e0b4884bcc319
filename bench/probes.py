"""What the load bench measures besides SIPp's own counters: process CPU and RSS, RTP at the callee, logs.

Everything here reads /proc or sockets; nothing talks to the box's processes.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import os
import re
import select
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RTP_HEADER = 12
PACKETS_PER_SECOND = 50  # G.711 with 20 ms packets


# --- processes -------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    """Return /proc/<pid>/stat split after the command name (field 3, state, is index 0)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()


def cpu_ticks(pid: int) -> int:
    """Return user + system CPU ticks of a process and all its threads (0 if it is gone)."""
    try:
        fields = _stat_fields(pid)
    except (OSError, ValueError):
        return 0
    return int(fields[11]) + int(fields[12])


def children_of(pid: int) -> list[int]:
    """Return the pids whose parent is `pid` (kamailio's worker processes)."""
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if int(_stat_fields(int(entry.name))[1]) == pid:
                out.append(int(entry.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def rss_mb(pid: int) -> float:
    """Return a process's resident set size in MiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def machine_ticks() -> tuple[int, int, int]:
    """Return (busy, steal, total) CPU ticks of the whole machine from /proc/stat.

    Steal is time the hypervisor gave this VM's CPUs to someone else: neither busy nor idle here.
    """
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    steal = values[7]
    total = sum(values[:8])  # without guest time, already counted in user
    return total - idle - steal, steal, total


@dataclasses.dataclass(frozen=True)
class Mark:
    """CPU counters at one moment."""

    at: float
    groups: dict[str, int]
    machine: tuple[int, int, int]


class CpuMeter:
    """CPU% of named groups of processes between a mark and now; 100% is one core fully busy."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]]) -> None:
        self.groups = groups

    def mark(self) -> Mark:
        ticks = {name: sum(cpu_ticks(pid) for pid in pids()) for name, pids in self.groups.items()}
        return Mark(time.monotonic(), ticks, machine_ticks())

    def since(self, start: Mark) -> dict[str, float]:
        """Return each group's CPU% since `start`, plus 'machine' (% of all cores busy, 0-100), 'steal'
        (% of all cores taken by the hypervisor) and 'other' (CPU% of processes in no group)."""
        end = self.mark()
        seconds = max(end.at - start.at, 1e-3)
        out = {
            name: 100.0 * (end.groups[name] - start.groups.get(name, 0)) / CLOCK_TICKS / seconds
            for name in self.groups
        }
        busy, steal = end.machine[0] - start.machine[0], end.machine[1] - start.machine[1]
        total = max(end.machine[2] - start.machine[2], 1)
        out["machine"] = 100.0 * busy / total
        out["steal"] = 100.0 * steal / total
        cores = os.cpu_count() or 1
        out["other"] = max(0.0, out["machine"] * cores - sum(out[name] for name in self.groups))
        return out


# --- audio -----------------------------------------------------------------------------------

_ALAW_SEG_END = (0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF)


def alaw(sample: int) -> int:
    """Encode one 16-bit linear sample as G.711 A-law (ITU-T G.711, as in Sun's reference g711.c)."""
    pcm = sample >> 3
    if pcm >= 0:
        mask = 0xD5
    else:
        mask = 0x55
        pcm = -pcm - 1
    seg = next((i for i, end in enumerate(_ALAW_SEG_END) if pcm <= end), 8)
    if seg >= 8:
        return 0x7F ^ mask
    value = seg << 4
    value |= (pcm >> 1) & 0x0F if seg < 2 else (pcm >> seg) & 0x0F
    return value ^ mask


def write_alaw_tone(path: Path, freq: int = 700, seconds: int = 1, amplitude: int = 10000) -> Path:
    """Write raw 8 kHz A-law (no header) holding a tone; whole cycles per second, so it loops cleanly."""
    rate = 8000
    path.write_bytes(
        bytes(alaw(int(amplitude * math.sin(2 * math.pi * freq * n / rate))) for n in range(rate * seconds))
    )
    return path


def audible(payload: bytes) -> bool:
    """Tell a G.711 frame carrying the test tone from the bridge's silence (one or two code values)."""
    return len(set(payload[:80])) >= 8


# --- RTP at the callee -----------------------------------------------------------------------


def udp_drops(sock: socket.socket) -> int:
    """Return the datagrams the kernel dropped on a UDP socket (its receive buffer was full)."""
    inode = str(os.fstat(sock.fileno()).st_ino)
    for line in Path("/proc/net/udp").read_text().splitlines()[1:]:
        fields = line.split()
        if len(fields) > 12 and fields[9] == inode:
            return int(fields[-1])
    return 0


@dataclasses.dataclass(frozen=True)
class TapSnapshot:
    at: float
    packets: int
    audible: int
    dropped: int  # by the kernel on the tap's socket: sent by pbx-core, never read by the tap
    sources: dict[tuple[str, int], int]


@dataclasses.dataclass(frozen=True)
class TapWindow:
    """RTP the callee side received from pbx-core between two snapshots."""

    seconds: float
    packets: int
    audible: int
    dropped: int
    streams: int  # pbx-core sockets that sent at least half the expected packets
    min_stream_pps: float

    @property
    def audible_ratio(self) -> float:
        return self.audible / self.packets if self.packets else 0.0

    def pps_per_call(self, calls: int) -> float:
        return self.packets / self.seconds / calls if calls and self.seconds else 0.0

    def loss_pct(self, calls: int) -> float:
        """Return how much of the expected 50 packets/s per call did not reach the tap's socket."""
        expected = PACKETS_PER_SECOND * self.seconds * calls
        return max(0.0, 100.0 * (1 - (self.packets + self.dropped) / expected)) if expected else 0.0


class RtpTap:
    """The callee phones' media endpoint: counts what pbx-core sends per stream, checks it, echoes it.

    One socket serves every call (each call's SDP points here); pbx-core's B legs are told apart
    by their source port. Echoing makes the caller hear its own tone back through the bridge.
    """

    def __init__(self, host: str = "127.0.0.1", first_port: int = 44000) -> None:
        self.rtp, self.rtcp = self._bind_pair(host, first_port)
        self.port = self.rtp.getsockname()[1]
        self.packets = 0
        self.audible = 0
        self.sources: dict[tuple[str, int], int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rtp-tap", daemon=True)

    @staticmethod
    def _bind_pair(host: str, first_port: int) -> tuple[socket.socket, socket.socket]:
        """Bind an even RTP port and the RTCP port above it (pbx-core sends RTCP there)."""
        for port in range(first_port - first_port % 2, first_port + 2000, 2):
            rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                rtp.bind((host, port))
                rtcp.bind((host, port + 1))
            except OSError:
                rtp.close()
                rtcp.close()
                continue
            for sock in (rtp, rtcp):
                sock.setblocking(False)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            return rtp, rtcp
        raise RuntimeError(f"no free RTP port pair from {first_port}")

    def start(self) -> RtpTap:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.rtp.close()
        self.rtcp.close()

    def snapshot(self) -> TapSnapshot:
        return TapSnapshot(
            time.monotonic(), self.packets, self.audible, udp_drops(self.rtp), dict(self.sources)
        )

    @staticmethod
    def window(start: TapSnapshot, end: TapSnapshot) -> TapWindow:
        seconds = max(end.at - start.at, 1e-3)
        rates = [(count - start.sources.get(src, 0)) / seconds for src, count in end.sources.items()]
        live = [r for r in rates if r >= PACKETS_PER_SECOND / 2]
        return TapWindow(
            seconds=seconds,
            packets=end.packets - start.packets,
            audible=end.audible - start.audible,
            dropped=end.dropped - start.dropped,
            streams=len(live),
            min_stream_pps=min(live) if live else 0.0,
        )

    def _run(self) -> None:
        poller = select.poll()
        poller.register(self.rtp, select.POLLIN)
        poller.register(self.rtcp, select.POLLIN)
        buf = bytearray(2048)
        view = memoryview(buf)
        while not self._stop.is_set():
            for fd, _event in poller.poll(200):
                if fd == self.rtcp.fileno():
                    self._drain_rtcp()
                    continue
                while True:
                    try:
                        size, src = self.rtp.recvfrom_into(buf)
                    except BlockingIOError:
                        break
                    except OSError:
                        return
                    self.packets += 1
                    self.sources[src] = self.sources.get(src, 0) + 1
                    if size > RTP_HEADER and audible(buf[RTP_HEADER:size]):
                        self.audible += 1
                    try:
                        self.rtp.sendto(view[:size], src)
                    except OSError:
                        pass  # a leg that just ended; its port is gone

    def _drain_rtcp(self) -> None:
        while True:
            try:
                self.rtcp.recv(2048)
            except OSError:
                return


# --- logs ------------------------------------------------------------------------------------


class LogWatch:
    """New lines matching a pattern in a growing log file since the last look."""

    def __init__(self, path: Path, pattern: str) -> None:
        self.path = path
        self.regex = re.compile(pattern)
        self.offset = 0

    def new_matches(self) -> list[str]:
        try:
            with self.path.open("rb") as fh:
                fh.seek(self.offset)
                data = fh.read()
        except OSError:
            return []
        end = data.rfind(b"\n") + 1
        self.offset += end
        lines = data[:end].decode(errors="replace").splitlines()
        return [line for line in lines if self.regex.search(line)]


def summarize(lines: list[str], limit: int = 3) -> list[str]:
    """Return up to `limit` distinct messages (timestamps and ids stripped) with their counts."""
    counts: dict[str, int] = {}
    for line in lines:
        key = re.sub(r"[0-9a-f]{32}|\d+", "N", line.split(": ", 1)[-1])[:160]
        counts[key] = counts.get(key, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: -kv[1])[:limit]
    return [f"{count}x {text}" for text, count in ranked]
