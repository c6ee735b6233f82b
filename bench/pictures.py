"""Pictures: the cost of making 20 phone photos safe to send, and the web process's memory while it
receives them.

The photos are made here with Pillow: 12 megapixels, with EXIF (GPS, camera serial, orientation,
thumbnail), XMP, IPTC and a comment, as a phone writes them; orientations 1, 3, 6 and 8 in turn, so
most of them are turned.
"""

from __future__ import annotations

import io
import re
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from PIL import Image, ImageOps

from harness.pictures import tagged_jpeg

from .environment import BenchEnvironment, bench_user
from .submit import direct_create, signed_in_session
from .table import Row

# Served by bench/urls.py: receives pictures through the portal's upload handler, as the Add
# pictures page does, and says how many arrived.
RECEIVE_PATH = "/_bench/pictures/"
PHOTOS = 20
SIZE = (4000, 3000)  # 12 megapixels
ORIENTATIONS = (1, 3, 6, 8)
ROUNDS = 2
TIME_BUDGET = 1.2
MEMORY_BUDGET_MB = 100
CSRF = "b" * 32


def _photos(directory: Path) -> list[Path]:
    width, height = SIZE
    # Smooth gradients with grain: compresses like a photo (a few MB), unlike pure noise or flat colour.
    pixels = Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(SIZE),
            Image.effect_noise(SIZE, 24),
            Image.radial_gradient("L").resize(SIZE),
        ],
    )
    paths = []
    for number in range(PHOTOS):
        path = directory / f"IMG_{number:04d}.JPG"
        path.write_bytes(tagged_jpeg(pixels, orientation=ORIENTATIONS[number % len(ORIENTATIONS)], quality=92))
        paths.append(path)
    return paths


def _bare(path: Path) -> None:
    """The least Pillow can do: open, turn upright, save as JPEG."""
    with Image.open(path) as image:
        ImageOps.exif_transpose(image).save(io.BytesIO(), format="JPEG", quality=90)


def _timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _processing_row(paths: list[Path]) -> Row:
    from django.conf import settings

    from albums.pictures import picture_prepare

    def prepare(path: Path) -> None:
        picture_prepare(path=path, file_name=path.name, max_pixels=settings.AW_PICTURE_MAX_PIXELS)

    # Interleaved, photo by photo, and the faster of the rounds for each: the machine's load moves.
    ours, bare = [float("inf")] * len(paths), [float("inf")] * len(paths)
    for _ in range(ROUNDS):
        for index, path in enumerate(paths):
            bare[index] = min(bare[index], _timed(lambda p=path: _bare(p)))
            ours[index] = min(ours[index], _timed(lambda p=path: prepare(p)))
    ratio = sum(ours) / sum(bare)
    return Row(
        name=f"Pictures: prepare {len(paths)} photos of 12 MP (turn, strip metadata, re-encode)",
        measured=f"{sum(ours):.2f} s",
        baseline=f"bare open/transpose/save {sum(bare):.2f} s",
        figure=f"ratio {ratio:.2f}",
        budget=f"<= {TIME_BUDGET}",
        passed=ratio <= TIME_BUDGET,
    )


def _worker_pid(master_pid: int) -> int:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    if len(children) != 1:
        raise RuntimeError(f"expected one gunicorn worker, found {children}")
    return int(children[0])


def _status_kb(pid: int, field: str) -> int:
    found = re.search(rf"^{field}:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.MULTILINE)
    return int(found.group(1))


class _PeakWatcher:
    """The worker's peak resident size during an action: its high-water mark, reset first through
    /proc/PID/clear_refs; if the kernel refuses that, VmRSS sampled every 2 ms."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        try:
            Path(f"/proc/{pid}/clear_refs").write_text("5")
            self.method = "VmHWM"
        except OSError:
            self.method = "VmRSS sampled"
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, _status_kb(self.pid, "VmRSS"))
            time.sleep(0.002)

    def __enter__(self) -> _PeakWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_kb(self) -> int:
        if self.method == "VmHWM":
            return max(_status_kb(self.pid, "VmHWM"), self._peak)
        return self._peak


def _upload(session: requests.Session, url: str, paths: list[Path]) -> None:
    """The Add pictures page's form, as a browser sends it: the upload is received, every picture
    prepared (turned, stripped, re-encoded) and kept for sending, then the page redirects to them."""
    files = [("pictures", (path.name, path.read_bytes(), "image/jpeg")) for path in paths]
    response = session.post(
        url,
        data={
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "submission_key": str(uuid.uuid4()),
            "title": "Bench picture",
            "description": "",
        },
        files=files,
        allow_redirects=False,
        timeout=600,
    )
    if response.status_code != 302:
        raise RuntimeError(f"the Add pictures page refused the upload: {response.status_code} {response.text[:300]}")


def _send(url: str, paths: list[Path]) -> None:
    files = [("pictures", (path.name, path.read_bytes(), "image/jpeg")) for path in paths]
    response = requests.post(
        url, data={"csrfmiddlewaretoken": CSRF}, files=files, cookies={"csrftoken": CSRF}, timeout=300
    )
    response.raise_for_status()
    if int(response.text) != len(paths):
        raise RuntimeError(f"the portal received {response.text} of {len(paths)} photos")


def _peak_above_idle(server, send) -> tuple[int, int, str]:
    """The web worker's idle and peak resident size (kB) while `send(paths)` runs, after one warm-up."""
    pid = _worker_pid(server.pid)
    send(1)  # warm: the upload code is loaded and has run once
    idle_kb = _status_kb(pid, "VmRSS")
    with _PeakWatcher(pid) as watcher:
        send(PHOTOS)
    return idle_kb, watcher.peak_kb, watcher.method


def _memory_rows(bench: BenchEnvironment, paths: list[Path]) -> list[Row]:
    bench_user("uploader")
    page = f"/gallery/{direct_create(requests, bench.standin.url)}/pictures/"
    server = bench.serve(workers=1, threads=2)
    try:
        received = _peak_above_idle(server, lambda count: _send(server.url + RECEIVE_PATH, paths[:count]))
        session = signed_in_session(server.url, "uploader", "bench-password-1")
        taken = _peak_above_idle(server, lambda count: _upload(session, server.url + page, paths[:count]))
    finally:
        server.stop()
    total_mb = sum(path.stat().st_size for path in paths) / 1024 / 1024
    (idle_kb, peak_kb, method), (page_idle_kb, page_peak_kb, page_method) = received, taken
    above_mb = (peak_kb - idle_kb) / 1024
    return [
        Row(
            name=f"Pictures: web process receiving {len(paths)} photos ({total_mb:.0f} MB, one multipart upload)",
            measured=f"peak {peak_kb / 1024:.0f} MB ({method})",
            baseline=f"idle {idle_kb / 1024:.0f} MB",
            figure=f"+{above_mb:.1f} MB",
            budget=f"< +{MEMORY_BUDGET_MB} MB",
            passed=above_mb < MEMORY_BUDGET_MB,
        ),
        # Context: the page also prepares each picture in the request, one at a time; turning a 12 MP
        # photo holds two decoded frames of 48 MB each (Pillow keeps RGB as 4 bytes a pixel).
        Row(
            name=f"Pictures: the same {len(paths)} through the Add pictures page, each prepared (context)",
            measured=f"peak {page_peak_kb / 1024:.0f} MB ({page_method})",
            baseline=f"idle {page_idle_kb / 1024:.0f} MB",
            figure=f"+{(page_peak_kb - page_idle_kb) / 1024:.1f} MB",
            budget="-",
            passed=None,
        ),
    ]


def pictures_rows(bench: BenchEnvironment) -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="awportal-bench-photos-") as directory:
        paths = _photos(Path(directory))
        return [_processing_row(paths), *_memory_rows(bench, paths)]
