"""Load test: a class of students training at once on one LSTM Lens server.

Not a pytest test (no ``test_`` prefix; nothing collects ``tests/load``): a
script that prints figures. It starts ``streamlit run app.py`` on a free
loopback port (or several behind ``docs/deploy/nginx.conf``) and opens N
sessions that each do what a student does in the first lesson: Home → "Load
airline passengers and go to training" → Train with the sample's defaults
(``workspace.recommended_config``: 100 epochs, 32 units, window 12), then watch
the live view until "Training finished". All sessions press Train within a few
milliseconds of each other — the worst case, "everybody, click Train now".

Two kinds of session, mixed as you like:

- **protocol clients** (default): one asyncio websocket each, speaking
  Streamlit's own protocol the way the page does — the same ``rerun_script``
  messages on a click, and the same timed fragment reruns (``auto_rerun``)
  that keep the live view moving. They cost the machine almost nothing, so
  the figures describe the *server*. (Twenty real browser tabs on the same two
  cores measure mostly chromium: a first page load then takes a minute while
  the server sits at 0.1 core.)
- **browsers** (``--browsers K``): K of the sessions are Playwright contexts in
  one headless Debian chromium, to see what a real page shows.

It prints one JSON object:

- ``completion_s``: Train click → "Training finished" received, min / median / max;
- ``first_epoch_s``: Train click → the first loss figures received;
- ``freeze_s``: per session, the longest time the page received nothing from
  the server between the Train click and the end of its run (a training run's
  live view asks for redraws every 0.3–1.8 s, a run waiting in line for its
  place every 1.5 s, so a healthy page sees gaps under 2 s; a long gap is a
  frozen page);
- ``interaction_s``: per session, the slowest answer to a trivial interaction
  made while training (hidden size +4 / −4: a full script run), click → run finished;
- ``errors``: sessions that failed, timed out, lost their websocket, or were
  shown an exception or an error box; ``server_log_problems``: exceptions in the
  server's log (our own clients' disconnects at the end left out);
- ``server``: peak RSS and CPU of the app process trees (sampled from /proc
  every 0.5 s); ``proxy``: nginx's; ``load_generator``: this script's and its
  chromium's, which share the machine with the server;
- ``target_met``: every session finished, no errors, no freeze over 3 s.

Usage::

    python tests/load/load_test.py                          # 20 protocol clients, one app process
    python tests/load/load_test.py --sessions 20 --browsers 2
    python tests/load/load_test.py --replicas 2             # two app processes behind nginx
    python tests/load/load_test.py --option runner.postScriptGC=false   # try a server setting
    python tests/load/load_test.py --app-dir /tmp/snapshot  # serve another checkout (git archive HEAD)
    python tests/load/load_test.py --profile /tmp/gil.txt   # py-spy (GIL holder) of the first app process
    python tests/load/load_test.py --timeline /tmp/t.json   # every session's message times, for a closer look
    python tests/load/load_test.py --url http://127.0.0.1:8080   # a server or proxy already running
    python tests/load/load_test.py --hostile                # 18 students, one 5 MB one-line upload, one biggest run

With ``--hostile`` the last session uploads a 5 MB CSV written along one line
(one value per column) when the class presses Train, and the one before it
trains the biggest run the compute budget allows (512 units, as many epochs
as fit); both are reported under ``hostile`` and left out of the class's
figures, which say whether anybody else's page froze.
"""
from __future__ import annotations

import argparse
import asyncio
import collections
import json
import re
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-renderer-backgrounding", "--disable-background-timer-throttling",
                 "--disable-backgrounding-occluded-windows"]
START_KEY, TRAIN_KEY, HIDDEN_KEY = "home.start", "train.go", "train.hidden_size"
START_BUTTON = "Load airline passengers and go to training"
HIDDEN_LABEL = "Hidden size (units)"
DONE_TEXT = "Training finished"
FIRST_LOSS_TEXT = "Training loss"
FREEZE_TARGET_S = 3.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# -- processes: start the server, sample CPU and memory from /proc ------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app_dir: Path, port: int, log, options: list[str] = ()) -> subprocess.Popen:
    """Start ``streamlit run app.py`` in ``app_dir``; ``options`` are extra ``name=value`` config options."""
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    for option in options:
        name, _, value = option.partition("=")
        cmd += [f"--{name}", value]
    return subprocess.Popen(cmd, cwd=app_dir, stdout=log, stderr=subprocess.STDOUT)


def wait_healthy(base: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"server at {base} did not become healthy in {seconds:.0f} s")


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        kids.setdefault(int(fields[1]), []).append(int(entry))
    return kids


def _tree(root: int, kids: dict[int, list[int]]) -> list[int]:
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def _usage(pids: list[int]) -> tuple[float, float]:
    """Return (CPU seconds, RSS MB) summed over ``pids``."""
    cpu = rss = 0.0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
            rss += int(fields[21]) * PAGE_SIZE / 2**20
        except (OSError, IndexError, ValueError):
            continue
    return cpu, rss


class Sampler(threading.Thread):
    """Every ``period`` seconds: CPU and RSS of the server trees, the proxy, and this script with its children."""

    def __init__(self, server_pids: list[int], proxy_pid=lambda: None, period: float = 0.5) -> None:
        super().__init__(daemon=True)
        self.server_pids, self.proxy_pid, self.period = server_pids, proxy_pid, period
        self.samples: list[tuple] = []  # t, server cpu, rss, proxy cpu, rss, ours cpu, rss
        self.stop_event = threading.Event()

    def run(self) -> None:
        me = os.getpid()
        while not self.stop_event.is_set():
            kids = _children()
            server = [p for root in self.server_pids for p in _tree(root, kids)]
            proxy_root = self.proxy_pid()
            proxy = _tree(proxy_root, kids) if proxy_root else []
            ours = [p for p in _tree(me, kids) if p not in server and p not in proxy]
            self.samples.append((time.monotonic(), *_usage(server), *_usage(proxy), *_usage(ours)))
            self.stop_event.wait(self.period)

    def summary(self, t0: float, t1: float) -> dict:
        inside = [s for s in self.samples if t0 <= s[0] <= t1] or self.samples[-1:]
        first, last = inside[0], inside[-1]
        span = max(last[0] - first[0], 1e-9)

        def part(cpu: int, rss: int) -> dict:
            rates = [(b[cpu] - a[cpu]) / (b[0] - a[0]) for a, b in zip(inside, inside[2:]) if b[0] > a[0]]
            return {
                "rss_peak_mb": round(max(s[rss] for s in self.samples), 1),
                "rss_before_mb": round(self.samples[0][rss], 1),
                "cpu_s_while_training": round(last[cpu] - first[cpu], 1),
                "cores_used_avg": round((last[cpu] - first[cpu]) / span, 2),
                "cores_used_peak_1s": round(max(rates), 2) if rates else None,
            }

        return {"server": part(1, 2), "proxy": part(3, 4), "load_generator": part(5, 6)}


# -- several replicas behind docs/deploy/nginx.conf ------------------------------------------------


class Proxy:
    """nginx with docs/deploy/nginx.conf in front of ``ports`` (what docs/deploy/check_proxy.sh checks)."""

    def __init__(self, app_dir: Path, ports: list[int]) -> None:
        self.work = Path(tempfile.mkdtemp(prefix="lens-load-proxy-"))
        self.port = free_port()
        site = (app_dir / "docs" / "deploy" / "nginx.conf").read_text()
        upstreams = "".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n" for p in ports)
        site = re.sub(r"(?m)^    server 127\.0\.0\.1:850\d[^\n]*\n", "", site)
        site = site.replace("    keepalive 32;", upstreams + "    keepalive 32;")
        site = site.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{self.port};")
        (self.work / "site.conf").write_text(site)
        (self.work / "tmp").mkdir()
        user = "user root;" if os.getuid() == 0 else ""
        (self.work / "nginx.conf").write_text(
            f"{user}\nworker_processes 1;\npid {self.work}/nginx.pid;\nerror_log {self.work}/error.log warn;\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\n  access_log off;\n"
            f"  client_body_temp_path {self.work}/tmp/body;\n  proxy_temp_path {self.work}/tmp/proxy;\n"
            f"  include {self.work}/site.conf;\n}}\n")
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(nginx).exists():
            raise SystemExit("--replicas needs nginx: apt-get install nginx")
        subprocess.run([nginx, "-p", str(self.work), "-c", str(self.work / "nginx.conf")], check=True)

    def pid(self) -> int | None:
        try:
            return int((self.work / "nginx.pid").read_text())
        except (OSError, ValueError):
            return None

    def stop(self) -> None:
        pid = self.pid()
        if pid:
            os.kill(pid, signal.SIGQUIT)
        shutil.rmtree(self.work, ignore_errors=True)


def log_problems(text: str) -> list[str]:
    """Exception lines in the server log, leaving out the disconnects of our own clients at the end."""
    found = []
    for block in text.split("Traceback (most recent call last):")[1:]:
        if "WebSocket is not connected" in block or "WebSocketDisconnect" in block:
            continue
        last = [line for line in block.strip().splitlines() if line and not line.startswith(" ")]
        found.append(last[-1][:200] if last else block[:200])
    return found


# -- one student speaking Streamlit's websocket protocol ----------------------------------------


class ProtocolStudent:
    """A browser tab reduced to what the server sees: clicks, page switches and timed fragment reruns."""

    def __init__(self, base: str, k: int, timeout: float) -> None:
        self.url = base.replace("http://", "ws://").replace("https://", "wss://") + "/_stcore/stream"
        self.k, self.timeout = k, timeout
        self.ws = None
        self.page_hash = ""
        self.session_id = ""
        self.pages: dict[str, str] = {}  # URL path -> page script hash, from new_session
        self.widgets: dict[str, str] = {}  # user key -> element id, from the deltas
        self.timers: dict[str, tuple[float, asyncio.Task]] = {}  # fragment id -> (interval, task)
        self.messages: list[float] = []  # arrival times (epoch s) of every ForwardMsg
        self.finished: list[tuple[float, int]] = []  # (time, ScriptFinishedStatus)
        self.texts: collections.deque = collections.deque(maxlen=400)  # (time, text) of recent elements
        self.problems: list[str] = []
        self.closed = False

    # protocol ---------------------------------------------------------------------------------

    async def connect(self) -> None:
        import websockets

        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None,
                                           open_timeout=self.timeout, ping_interval=None,
                                           additional_headers={"Cookie": f"lens_sticky=student-{self.k}"})
        self.reader = asyncio.create_task(self._read())
        await self.rerun()  # what the page sends once the socket is open

    async def rerun(self, widgets: list | None = None, fragment_id: str = "", auto: bool = False) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = ""
        state.page_script_hash = self.page_hash
        state.page_name = ""
        state.fragment_id = fragment_id
        state.is_auto_rerun = auto
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        for widget_id, field, value in widgets or []:
            ws = WidgetState(id=widget_id)
            if field == "file_uploader_state_value":
                ws.file_uploader_state_value.uploaded_file_info.add().CopyFrom(value)
            else:
                setattr(ws, field, value)
            state.widget_states.widgets.append(ws)
        if not self.closed:
            await self.ws.send(msg.SerializeToString())

    async def click(self, key: str) -> None:
        await self.rerun([(self.widgets[key], "trigger_value", True)])

    async def set_int(self, key: str, value: int) -> None:
        await self.rerun([(self.widgets[key], "int_value", value)])

    async def _tick(self, fragment_id: str, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.rerun(fragment_id=fragment_id, auto=True)

    def _stop_timers(self, ids=None) -> None:
        for fid in list(self.timers if ids is None else ids):
            entry = self.timers.pop(fid, None)
            if entry is not None:
                entry[1].cancel()

    async def _read(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        try:
            async for raw in self.ws:
                now = time.time()
                self.messages.append(now)
                msg = ForwardMsg.FromString(raw)
                kind = msg.WhichOneof("type")
                if kind == "new_session":
                    self.page_hash = msg.new_session.page_script_hash or self.page_hash
                    self.session_id = msg.new_session.initialize.session_id or self.session_id
                    for page in msg.new_session.app_pages:
                        self.pages[page.url_pathname] = page.page_script_hash
                    if not msg.metadata.run.fragment_ids:
                        self._stop_timers()  # the page drops every timer when a full run starts
                elif kind == "navigation":
                    for page in msg.navigation.app_pages:
                        self.pages[page.url_pathname] = page.page_script_hash
                elif kind == "auto_rerun":
                    fid, interval = msg.auto_rerun.fragment_id, msg.auto_rerun.interval
                    if fid and self.timers.get(fid, (None,))[0] != interval:
                        self._stop_timers([fid])
                        self.timers[fid] = (interval, asyncio.create_task(self._tick(fid, interval)))
                elif kind == "stop_auto_rerun":
                    self._stop_timers(msg.stop_auto_rerun.fragment_ids)
                elif kind == "script_finished":
                    self.finished.append((now, msg.script_finished))
                elif kind == "page_not_found":
                    self.problems.append("page not found")
                elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    self._element(now, msg.delta.new_element)
        except Exception as exc:  # noqa: BLE001 - a closed or broken socket is a finding, not a crash
            self.problems.append(f"websocket: {type(exc).__name__}: {exc}"[:200])
        finally:
            self.closed = True
            self._stop_timers()

    def _element(self, now: float, element) -> None:
        kind = element.WhichOneof("type")
        if kind is None:
            return
        body = getattr(element, kind)
        widget_id = getattr(body, "id", "")
        if isinstance(widget_id, str) and widget_id.startswith("$$ID-") and widget_id.count("-") >= 2:
            self.widgets[widget_id.split("-", 2)[2]] = widget_id  # "$$ID-<hash>-<user key>"
        if kind == "exception":
            self.problems.append(f"exception shown: {body.type}: {body.message}"[:200])
        elif kind == "alert":
            if body.format == 1:  # Alert.Format.ERROR
                self.problems.append(f"error box: {body.body}"[:200])
            self.texts.append((now, body.body))
        elif kind == "metric":
            self.texts.append((now, body.label))
        elif kind in ("markdown", "progress"):
            self.texts.append((now, getattr(body, "body", "") or getattr(body, "text", "")))

    # waiting ----------------------------------------------------------------------------------

    async def until(self, check, what: str) -> float:
        deadline = time.monotonic() + self.timeout
        while not check():
            if self.closed:
                raise ConnectionError(f"websocket closed while waiting for {what}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"no {what} after {self.timeout:.0f} s")
            await asyncio.sleep(0.05)
        return time.time()

    def seen(self, text: str, since: float) -> bool:
        return any(t >= since and text in body for t, body in self.texts)

    def idle_since(self, since: float) -> bool:
        return any(t >= since and status == 0 for t, status in self.finished)

    async def close(self) -> None:
        self._stop_timers()
        if self.ws is not None:
            await self.ws.close()


async def protocol_student(base: str, k: int, go: asyncio.Event, ready: list, args) -> dict:
    out: dict = {"session": k, "kind": "protocol", "error": None}
    s = ProtocolStudent(base, k, args.timeout)
    try:
        t = time.time()
        await s.connect()
        await s.until(lambda: START_KEY in s.widgets and s.idle_since(t), "home page")
        t = time.time()
        await s.click(START_KEY)
        await s.until(lambda: TRAIN_KEY in s.widgets and s.idle_since(t), "train page")
        ready.append(k)
        await go.wait()
        clicked = time.time()
        await s.click(TRAIN_KEY)
        probes, first_epoch, up = [], None, True
        next_probe = time.monotonic() + args.probe_every
        deadline = time.monotonic() + args.timeout
        while not s.seen(DONE_TEXT, clicked):
            if s.closed:
                raise ConnectionError("websocket closed while training")
            if time.monotonic() > deadline:
                progress = [body for t, body in s.texts if t >= clicked and "epoch" in body][-1:]
                runs = collections.Counter(status for t, status in s.finished if t >= clicked)
                quiet = time.time() - max(s.messages, default=clicked)
                raise TimeoutError(f"training not finished after {args.timeout:.0f} s; last progress seen: {progress}; "
                                   f"script runs finished (status: count): {dict(runs)}; no message for {quiet:.0f} s")
            if first_epoch is None and s.seen(FIRST_LOSS_TEXT, clicked):
                first_epoch = time.time() - clicked
            if args.probe_every > 0 and time.monotonic() >= next_probe and HIDDEN_KEY in s.widgets:
                probes.append(time.time())
                await s.set_int(HIDDEN_KEY, 36 if up else 32)
                up = not up
                next_probe = time.monotonic() + args.probe_every
            await asyncio.sleep(0.05)
        done = time.time()
        out.update(_timings(clicked, done, first_epoch, s.messages, [(t, st) for t, st in s.finished], probes))
        out["_timeline"] = {"clicked": clicked, "done": done, "messages": s.messages, "finished": s.finished,
                            "probes": probes, "texts": [(t, b) for t, b in s.texts if t >= clicked and "epoch" in b]}
        if s.problems:
            out["error"] = s.problems[0]
    except Exception as exc:  # noqa: BLE001 - report every failure, keep the other sessions going
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}" if str(exc) else type(exc).__name__
        if s.problems:
            out["error"] += f" ({s.problems[0]})"
    finally:
        if k not in ready:
            ready.append(k)
        await s.close()
    return out


def _timings(clicked, done, first_epoch, messages, finished, probes) -> dict:
    updates = sorted(t for t in messages if clicked <= t <= done)
    gaps = [b - a for a, b in zip([clicked, *updates], [*updates, done])]
    full_runs = sorted(t for t, status in finished if status == 0)
    answers = []
    for at in probes:
        later = [t for t in full_runs if t > at]
        answers.append((later[0] if later else done) - at)
    return {
        "completion_s": round(done - clicked, 2),
        "first_epoch_s": None if first_epoch is None else round(first_epoch, 2),
        "freeze_s": round(max(gaps), 2) if gaps else None,
        "script_runs_while_training": sum(1 for t, _ in finished if clicked <= t <= done),
        "interaction_s": round(max(answers), 2) if answers else None,
        "interactions": len(answers),
    }


# -- two hostile students (--hostile): a one-line file, and the biggest run the budget allows ----------

ONE_LINE_BYTES = 5_200_000  # issue 11: 137-191 s and +3.3 GB before; froze every other page for up to 11.6 s
ONE_LINE_ADVICE = "Transpose"  # a fragment of the data.one_row message


def one_line_file(n_bytes: int = ONE_LINE_BYTES) -> bytes:
    """A series typed along one line: one value per column, about ``n_bytes`` long."""
    import random

    rng = random.Random(0)
    text = ",".join(f"{rng.gauss(100, 10):.3f}" for _ in range(n_bytes // 7 + 10))
    return text[: text.rfind(",", 0, n_bytes)].encode()


def _put_upload(base: str, session_id: str, file_id: str, name: str, data: bytes) -> int:
    """PUT a file the way the page's uploader does (multipart, XSRF cookie and header); return the status."""
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    boundary = "lens-load-test-boundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    request = urllib.request.Request(f"{base}/_stcore/upload_file/{session_id}/{file_id}", data=body, method="PUT",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}",
                                              "X-Xsrftoken": token, "Cookie": f"_streamlit_xsrf={token}"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        return reply.status


async def uploader_student(base: str, k: int, go: asyncio.Event, ready: list, args) -> dict:
    """Open the Data page, and when the class presses Train upload the one-line file; time the answer."""
    from streamlit.proto.Common_pb2 import FileURLs, UploadedFileInfo

    out: dict = {"session": k, "kind": "hostile: one-line file", "error": None}
    s = ProtocolStudent(base, k, args.timeout)
    try:
        t = time.time()
        await s.connect()
        await s.until(lambda: s.idle_since(t) and ("data" in s.pages or "/data" in s.pages), "home page")
        s.page_hash = s.pages.get("data") or s.pages.get("/data")
        if not s.page_hash:
            raise LookupError(f"no Data page among {sorted(s.pages)}")
        t = time.time()
        await s.rerun()
        await s.until(lambda: "data.upload" in s.widgets and s.idle_since(t), "data page")
        data = one_line_file()
        ready.append(k)
        await go.wait()
        await asyncio.sleep(args.hostile_delay)
        sent = time.time()
        file_id = f"lens-load-{k}"
        status = await asyncio.to_thread(_put_upload, base, s.session_id, file_id, "one_line.csv", data)
        info = UploadedFileInfo(name="one_line.csv", size=len(data), file_id=file_id,
                                file_urls=FileURLs(file_id=file_id, upload_url=f"/_stcore/upload_file/{s.session_id}/{file_id}",
                                                   delete_url=f"/_stcore/upload_file/{s.session_id}/{file_id}"))
        await s.rerun([(s.widgets["data.upload"], "file_uploader_state_value", info)])
        await s.until(lambda: s.seen(ONE_LINE_ADVICE, sent), "the transpose advice")
        out.update({"upload_status": status, "file_mb": round(len(data) / 2**20, 1),
                    "advice_after_s": round(time.time() - sent, 2)})
        s.problems = [p for p in s.problems if ONE_LINE_ADVICE not in p]  # the advice is the expected answer
        if s.problems:
            out["error"] = s.problems[0]
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}" if str(exc) else type(exc).__name__
    finally:
        if k not in ready:
            ready.append(k)
        await s.close()
    return out


def biggest_run() -> tuple[int, int, float]:
    """(hidden size, epochs, estimated s) of the biggest one-layer run the budget allows on the airline sample."""
    sys.path.insert(0, str(ROOT))
    from lstm_viz import config as config_module
    from lstm_viz import workspace
    from lstm_viz.budget import split_cost
    from lstm_viz.windows import split_series

    ws = workspace.Workspace()
    dataset = workspace.load_sample(ws, "airline")
    cfg = workspace.recommended_config(dataset).replace(hidden_size=int(config_module.LIMITS["hidden_size"][1]))
    split = split_series(dataset.series.values, cfg.window, dataset.test_size)
    low, high = 1, int(config_module.LIMITS["epochs"][1])
    while low < high:  # the largest epochs whose estimate fits
        mid = (low + high + 1) // 2
        low, high = (mid, high) if split_cost(cfg.replace(epochs=mid), split) <= config_module.COMPUTE_BUDGET_S else (low, mid - 1)
    epochs = low // 10 * 10  # the widget steps by 10
    return cfg.hidden_size, epochs, split_cost(cfg.replace(epochs=epochs), split)


async def big_run_student(base: str, k: int, go: asyncio.Event, ready: list, args) -> dict:
    """Set the biggest run the budget allows and press Train with the class; time it, and its page's freezes."""
    hidden, epochs, estimate = args.big_run
    out: dict = {"session": k, "kind": f"hostile: {hidden} units x {epochs} epochs (estimated {estimate:.0f} s)",
                 "error": None}
    s = ProtocolStudent(base, k, args.timeout)
    try:
        t = time.time()
        await s.connect()
        await s.until(lambda: START_KEY in s.widgets and s.idle_since(t), "home page")
        t = time.time()
        await s.click(START_KEY)
        await s.until(lambda: TRAIN_KEY in s.widgets and s.idle_since(t), "train page")
        for key, value in ((HIDDEN_KEY, hidden), ("train.epochs", epochs)):
            t = time.time()
            await s.set_int(key, value)
            await s.until(lambda: s.idle_since(t), f"{key} set")
        ready.append(k)
        await go.wait()
        await asyncio.sleep(args.hostile_delay)
        clicked = time.time()
        await s.click(TRAIN_KEY)
        await s.until(lambda: s.seen(DONE_TEXT, clicked) or any("error box" in p for p in s.problems)
                      or args.class_done.is_set(), "the big run to finish, or the class")
        out.update(_timings(clicked, time.time(), None, s.messages, s.finished, []))
        out["finished"] = s.seen(DONE_TEXT, clicked)
        progress = [body for t, body in s.texts if t >= clicked and "epoch" in body.lower()][-1:]
        out["last_progress_seen"] = progress[0][:160] if progress else None
        if s.problems:
            out["error"] = s.problems[0]
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}" if str(exc) else type(exc).__name__
    finally:
        if k not in ready:
            ready.append(k)
        await s.close()
    return out


# -- one student in a real browser -----------------------------------------------------------------

# Records in the page when each websocket message arrives, and which ones end a script run:
# ForwardMsg field 6 (script_finished: 0 full run done, 2 stopped for a rerun, 3 fragment run done).
HOOK = r"""
(() => {
  const log = {finished: [], messages: [], closed: 0};
  window.__lens = log;
  function varint(b, p) {
    let v = 0, mul = 1;
    while (p < b.length) { const x = b[p++]; v += (x & 0x7f) * mul; if (x < 0x80) return [v, p]; mul *= 128; }
    return [v, p];
  }
  function scriptFinished(b) {
    let p = 0;
    while (p < b.length) {
      let tag; [tag, p] = varint(b, p);
      const field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) { let v; [v, p] = varint(b, p); if (field === 6) return v; }
      else if (wire === 2) { let n; [n, p] = varint(b, p); p += n; }
      else if (wire === 1) p += 8;
      else if (wire === 5) p += 4;
      else return null;
    }
    return null;
  }
  const Orig = window.WebSocket;
  class Hooked extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const at = (performance.timeOrigin + performance.now()) / 1000;
        log.messages.push(at);
        const note = (buf) => { const v = scriptFinished(new Uint8Array(buf)); if (v !== null) log.finished.push([at, v]); };
        if (ev.data instanceof ArrayBuffer) note(ev.data);
        else if (ev.data instanceof Blob) ev.data.arrayBuffer().then(note);
      });
      this.addEventListener('close', () => { log.closed += 1; });
    }
  }
  window.WebSocket = Hooked;
})();
"""


async def browser_student(browser, base: str, k: int, go: asyncio.Event, ready: list, args) -> dict:
    out: dict = {"session": k, "kind": "browser", "error": None}
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    await context.add_init_script(HOOK)
    page = await context.new_page()
    ms = args.timeout * 1000
    try:
        await page.goto(base, timeout=ms)
        await page.get_by_role("button", name=START_BUTTON).click(timeout=ms)
        train = page.get_by_role("button", name="Train", exact=True)
        await train.wait_for(timeout=ms)
        await page.wait_for_timeout(1000)
        ready.append(k)
        await go.wait()
        clicked = time.time()
        await train.click(timeout=ms)
        hidden = page.locator('[data-testid="stNumberInput"]').filter(has_text=HIDDEN_LABEL)
        probes, first_epoch, up = [], None, True
        next_probe = time.monotonic() + args.probe_every
        deadline = time.monotonic() + args.timeout
        while not await page.get_by_text(DONE_TEXT).count():
            if time.monotonic() > deadline:
                raise TimeoutError(f"training not finished after {args.timeout:.0f} s")
            if first_epoch is None and await page.get_by_text(FIRST_LOSS_TEXT).count():
                first_epoch = time.time() - clicked
            if args.probe_every > 0 and time.monotonic() >= next_probe:
                probes.append(time.time())
                await hidden.get_by_test_id("stNumberInputStepUp" if up else "stNumberInputStepDown").click(timeout=ms)
                up = not up
                next_probe = time.monotonic() + args.probe_every
            await page.wait_for_timeout(250)
        done = time.time()
        log = await page.evaluate("window.__lens")
        out.update(_timings(clicked, done, first_epoch, log["messages"], log["finished"], probes))
        for testid, what in (("stException", "exception shown"), ("stAlertContentError", "error box")):
            if await page.get_by_test_id(testid).count():
                out["error"] = f"{what}: " + (await page.get_by_test_id(testid).first.inner_text())[:200]
        if log["closed"] and out["error"] is None:
            out["error"] = f"websocket closed {log['closed']} time(s)"
    except Exception as exc:  # noqa: BLE001
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        if k not in ready:
            ready.append(k)
        await context.close()
    return out


# -- the class ------------------------------------------------------------------------------------


async def drive(base: str, args) -> tuple[list[dict], float, float]:
    go = asyncio.Event()
    args.class_done = asyncio.Event()
    ready: list[int] = []
    browser = playwright = None
    tasks = []
    if args.browsers:
        from playwright.async_api import async_playwright

        playwright = await async_playwright().start()
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    roles = {"upload": [uploader_student], "big-run": [big_run_student],
             "both": [uploader_student, big_run_student]}.get(args.hostile or "", [])
    hostile = {args.sessions - 1 - n: role for n, role in enumerate(roles)}
    for k in range(args.sessions):
        if k in hostile:
            tasks.append(asyncio.create_task(hostile[k](base, k, go, ready, args)))
        elif k < args.browsers:
            tasks.append(asyncio.create_task(browser_student(browser, base, k, go, ready, args)))
        else:
            tasks.append(asyncio.create_task(protocol_student(base, k, go, ready, args)))
    deadline = time.monotonic() + args.timeout
    while len(ready) < args.sessions and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    t0 = time.monotonic()
    go.set()
    class_tasks = [task for k, task in enumerate(tasks) if k not in hostile]
    await asyncio.gather(*class_tasks)
    t1 = time.monotonic()
    args.class_done.set()  # the big run reports how far it got, rather than keep the figures waiting
    results = await asyncio.gather(*tasks)
    if browser is not None:
        await browser.close()
        await playwright.stop()
    return results, t0, t1


def stats(values: list) -> dict | None:
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"min": round(min(values), 2), "median": round(statistics.median(values), 2), "max": round(max(values), 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--browsers", type=int, default=0, help="how many of the sessions are real chromium pages")
    parser.add_argument("--probe-every", type=float, default=4.0,
                        help="seconds between trivial interactions while training (0: none)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds a session may wait for each step")
    parser.add_argument("--url", help="drive this running server (or proxy) instead of starting one")
    parser.add_argument("--replicas", type=int, default=1,
                        help="app processes to start; more than one are put behind docs/deploy/nginx.conf")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="checkout to serve (default: this one)")
    parser.add_argument("--profile", help="write a py-spy profile (raw stacks) of the server while training")
    parser.add_argument("--server-log", help="keep the server's output in this file")
    parser.add_argument("--timeline", help="write every session's message and script-run times (JSON) here")
    parser.add_argument("--option", action="append", default=[], metavar="NAME=VALUE",
                        help="extra Streamlit config option for the server, e.g. runner.postScriptGC=false")
    parser.add_argument("--hostile", nargs="?", const="both", choices=("both", "upload", "big-run"),
                        help="hostile sessions among the class: one uploads a 5 MB file written along one line "
                             "(upload), one trains the biggest run the budget allows (big-run), or both (default)")
    parser.add_argument("--hostile-delay", type=float, default=0.0,
                        help="seconds after the class presses Train that the hostile students act")
    args = parser.parse_args()
    args.big_run = biggest_run() if args.hostile in ("both", "big-run") else None
    if args.browsers and not Path(CHROMIUM).exists():
        raise SystemExit("no chromium: apt-get install chromium (never `playwright install` here)")

    servers: list[subprocess.Popen] = []
    proxy = None
    log = open(args.server_log, "w+b") if args.server_log else tempfile.TemporaryFile()
    if args.url:
        base = args.url.rstrip("/")
    else:
        ports = [free_port() for _ in range(args.replicas)]
        servers = [start_server(args.app_dir, port, log, args.option) for port in ports]
        base = f"http://127.0.0.1:{ports[0]}"
        for port in ports:
            wait_healthy(f"http://127.0.0.1:{port}")
        if args.replicas > 1:
            proxy = Proxy(args.app_dir, ports)
            base = f"http://127.0.0.1:{proxy.port}"
    sampler = Sampler([p.pid for p in servers], proxy.pid if proxy else (lambda: None))
    profiler = None
    try:
        wait_healthy(base)
        sampler.start()
        started = time.monotonic()
        if args.profile and servers:
            profiler = subprocess.Popen(["py-spy", "record", "--pid", str(servers[0].pid), "--rate", "50", "--gil",
                                         "--format", "raw", "--output", args.profile],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        results, t0, t1 = asyncio.run(drive(base, args))
    finally:
        sampler.stop_event.set()
        if profiler is not None:
            profiler.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C, not on SIGTERM
            profiler.wait(60)
        if proxy is not None:
            proxy.stop()
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(15)
            except subprocess.TimeoutExpired:
                server.kill()
    sampler.join(2)
    usage = sampler.summary(t0, t1)
    timelines = [r.pop("_timeline", None) for r in results]
    if args.timeline:
        Path(args.timeline).write_text(json.dumps(timelines))
    hostiles = [r for r in results if str(r.get("kind", "")).startswith("hostile")]
    results = [r for r in results if r not in hostiles]
    ok = [r for r in results if r["error"] is None]
    summary = {
        "sessions": args.sessions,
        "hostile": hostiles or None,
        "browsers": args.browsers,
        "finished": sum(1 for r in results if "completion_s" in r),
        "errors": [{"session": r["session"], "error": r["error"]} for r in results if r["error"]],
        "completion_s": stats([r.get("completion_s") for r in results]),
        "first_epoch_s": stats([r.get("first_epoch_s") for r in results]),
        "freeze_s": {**(stats([r.get("freeze_s") for r in results]) or {}),
                     "per_session": [r.get("freeze_s") for r in results]},
        "interaction_s": {**(stats([r.get("interaction_s") for r in results]) or {}),
                          "per_session": [r.get("interaction_s") for r in results]},
        "script_runs_while_training": stats([r.get("script_runs_while_training") for r in results]),
        "wall_s": round(t1 - t0, 1),
        "setup_s": round(t0 - started, 1),
        "server": usage["server"] if servers else "not started here (--url): not measured",
        "replicas": len(servers) or None,
        "proxy": usage["proxy"] if proxy else None,
        "load_generator": usage["load_generator"],
        "host": {"cores": os.cpu_count(), "torch_threads_per_run": 1},
        "server_options": args.option or "the checkout's .streamlit/config.toml only",
        "target": f"all finish, no errors, every freeze <= {FREEZE_TARGET_S:g} s",
        "target_met": bool(len(ok) == len(results)
                           and all((r.get("freeze_s") or 1e9) <= FREEZE_TARGET_S for r in results)),
    }
    log.seek(0)
    problems = log_problems(log.read().decode("utf-8", "replace"))
    if problems:
        summary["server_log_problems"] = problems[:10]
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
