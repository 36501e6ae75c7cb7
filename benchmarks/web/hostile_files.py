"""Hostile uploads against the production server: how long the invitee import takes to refuse each bomb,
and how much memory the server's processes hold meanwhile (issue 15's target: refused in under 2 s, the
worker process under 300 MB).

The server is `netwerkdag serve` (gunicorn) on a fresh SQLite file with the Haarlem day (tests/web/live.py);
an organiser logs in and uploads, one after the other, to /organisatie/<slug>/invitees/:

- the dimension bomb: 5 KB, a sheet declared as A1:XFD1048576 with a cell on its last row (openpyxl pads
  every row to the declared width: the tester saw 6.5 GB of memory after 32 s before the reader was
  rewritten);
- a zip bomb: 2.2 MB that unpack to 2 GB of sheet XML (2.5 GB and 31 s before);
- a cell of 500 million characters packed into 0.5 MB;
- for comparison, a real list of 271 invitees (the example's network) that is imported.

Each request's wall time is measured from the client; the resident memory of every server process is
sampled every 10 ms while it runs (psutil), and the peak of the process that answered is reported.

    .venv/bin/python benchmarks/web/hostile_files.py [--out benchmarks/results/hostile-files-<date>.json]

Writes JSON with the machine and the commit and prints a table; the figures belong in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from benchmarks.web.run import git, machine
from tests.files.bombs import cell_bomb_file, dimension_bomb, zip_bomb_file
from tests.web.live import live_server

ROOT = Path(__file__).resolve().parents[2]
EVENT = "g40-haarlem-2023"
TARGET_S, TARGET_MB = 2.0, 300.0
PASSWORD = "een-lang-wachtwoord-voor-de-meting"  # noqa: S105 - a throwaway organiser of a throwaway server


def _request(
    url: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> urllib.request.Request:
    return urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - our loopback server


class Organiser:
    """A logged-in browser: cookies, the CSRF token, no redirects followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = CookieJar()

        class Stay(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), Stay())

    def _open(self, request: urllib.request.Request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=600) as response:
                return int(response.status), response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode("utf-8", "replace")

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken" and c.value)

    def log_in(self, user: str) -> None:
        self._open(_request(self.base + "/organisatie/login/"))
        form = f"csrfmiddlewaretoken={self.csrf()}&username={user}&password={PASSWORD}".encode()
        status, _ = self._open(
            _request(
                self.base + "/organisatie/login/",
                data=form,
                headers={"Referer": self.base + "/organisatie/login/", "Origin": self.base},
            )
        )
        if status != 302:
            raise SystemExit(f"error: the organiser could not log in ({status})")

    def upload(self, name: str, data: bytes) -> tuple[int, str]:
        self._open(_request(f"{self.base}/organisatie/{EVENT}/invitees/"))
        boundary = uuid.uuid4().hex
        body = io.BytesIO()
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
            f"{self.csrf()}\r\n".encode()
        )
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode()
        )
        body.write(data + f"\r\n--{boundary}--\r\n".encode())
        url = f"{self.base}/organisatie/{EVENT}/invitees/"
        request = _request(
            url,
            data=body.getvalue(),
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": url,
                "Origin": self.base,
            },
        )
        return self._open(request)


class Sampler(threading.Thread):
    """The resident memory of every process of the server, every 10 ms, keeping each one's peak."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = psutil.Process(root)
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            for process in [self.root, *self.root.children(recursive=True)]:
                try:
                    rss = process.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
                self.peaks[process.pid] = max(self.peaks.get(process.pid, 0), rss)
            time.sleep(0.01)


def measure(server_pid: int, organiser: Organiser, name: str, data: bytes) -> dict[str, Any]:
    before = {p.pid: p.memory_info().rss for p in psutil.Process(server_pid).children(recursive=True)}
    sampler = Sampler(server_pid)
    sampler.start()
    started = time.perf_counter()
    status, page = organiser.upload(name, data)
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    workers = {pid: peak for pid, peak in sampler.peaks.items() if pid != server_pid}
    grew = {pid: peak - before.get(pid, 0) for pid, peak in workers.items()}
    answered = max(grew, key=lambda pid: grew[pid])  # the worker that read the upload grew most
    problem = re.search(r"<li>([^<]*" + re.escape(name) + r"[^<]*)</li>", page)
    peak_mb = workers[answered] / 2**20
    return {
        "file": name,
        "bytes": len(data),
        "status": status,
        "answer": problem.group(1) if problem else ("imported" if status == 303 else page[:200]),
        "seconds": round(seconds, 3),
        "worker_peak_mb": round(peak_mb, 1),
        "worker_grew_mb": round(grew[answered] / 2**20, 1),
        "met": seconds < TARGET_S and peak_mb < TARGET_MB,
    }


def real_list() -> bytes:
    """The example's network as an invitee list (CSV), the kind of file organisers upload."""
    from netwerkdag.files.load import load_event

    event = load_event(ROOT / "examples" / "g40-haarlem-2023")
    rows = ["naam,e-mail,organisatie,rol"]
    rows += [f"{p.name},{p.id}@example.invalid,{p.organisation or ''},{p.role}" for p in event.network.people]
    return ("\n".join(rows) + "\n").encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    out = args.out or ROOT / "benchmarks" / "results" / f"hostile-files-{dt.date.today().isoformat()}.json"
    with tempfile.TemporaryDirectory(prefix="netwerkdag-hostile-") as scratch:
        folder = Path(scratch)
        print("making the bombs (the zip bomb packs 2 GB: some seconds)")
        files = [
            ("dimension-bomb.xlsx", dimension_bomb()),
            ("zip-bomb.xlsx", zip_bomb_file(folder / "zip.xlsx").read_bytes()),
            ("cell-bomb.xlsx", cell_bomb_file(folder / "cell.xlsx").read_bytes()),
            ("netwerk.csv", real_list()),
        ]
        with live_server(folder / "server") as server:
            server.run("setup", "pijler-sociaal", "40", "0", "0")
            server.run("organiser", "meter", PASSWORD)
            organiser = Organiser(server.url)
            organiser.log_in("meter")
            results = [measure(server.process.pid, organiser, name, data) for name, data in files]
    document = {
        "benchmark": "hostile uploads (issue 15)",
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "command": " ".join(["python", *sys.argv]),
        "commit": git("rev-parse", "--short", "HEAD"),
        "machine": machine(),
        "target": f"refused in < {TARGET_S:g} s with the server worker under {TARGET_MB:g} MB",
        "runs": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for r in results:
        print(
            f"{r['file']:20} {r['bytes']:>10,} B  {r['status']}  {r['seconds']:6.3f} s  "
            f"worker peak {r['worker_peak_mb']:6.1f} MB (+{r['worker_grew_mb']} MB)  {r['answer'][:90]}"
        )
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
