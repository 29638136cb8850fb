"""Every numbered notebook run in a real JupyterLab, as a researcher runs them: opened in a browser, run from the
Run menu. tests/conftest.py makes it the session fixture `lab_run`; tests/test_jupyterlab.py checks what the
browser saw, and tests/test_committed_figures.py compares what the kernels saved with the committed figures, so
the seeds run through the notebooks once for both.

`run_in_jupyterlab` starts `jupyter lab` on 127.0.0.1 with a token, in a temporary folder holding copies of
the numbered notebooks (so nothing under notebooks/ is autosaved or checkpointed), with the kernels'
outputs sent to a temporary folder (`ANALYSIS_OUT`) and the tests' own cache (`ANALYSIS_CACHE`). A Node script
(tests/jupyterlab/run_notebooks.mjs, playwright-core driving Debian's /usr/bin/chromium: no browser
download) opens each notebook, clicks "Run" > "Run All Cells", waits for the kernel to go idle, counts the
figures rendered inline and saves a screenshot of the whole notebook in `<tmp>/jupyterlab*/screenshots/`.
It stops the server, its kernels and the browser, whatever happened.

Where Chromium, Node.js 20+ or playwright-core (`cd tests/jupyterlab && npm ci`) is missing the tests skip,
naming what is missing; with CI=true they fail instead (.ci/run installs all three).
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from analysis.runner import notebooks

from conftest import PROJECT, SEEDS

NODE_DIR = PROJECT / "tests" / "jupyterlab"
SCRIPT = NODE_DIR / "run_notebooks.mjs"
CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
NOTEBOOKS = notebooks()
FIGURES = PROJECT / "figures"
NOTEBOOK_TIMEOUT = 300  # seconds for one notebook, from opening it to an idle kernel (about 10-60 s here)
SERVER_START = 90  # seconds for `jupyter lab` to answer
# JupyterLab's own settings for the test: every cell in the page (so every figure can be counted and seen),
# no autosave, no request for news or updates (the network is closed).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
}


def missing_tools() -> list[str]:
    """What this machine lacks to drive JupyterLab in a browser, each with how to get it."""
    missing = []
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        missing.append(f"Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM to a Chrome)")
    node = shutil.which("node")
    if node is None:
        missing.append("Node.js 20 or later (node)")
    else:
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
        major = version.lstrip("v").split(".")[0]
        if not major.isdigit() or int(major) < 20:
            missing.append(f"Node.js 20 or later (found {version or 'no version'})")
    if not (NODE_DIR / "node_modules" / "playwright-core" / "package.json").is_file():
        missing.append("playwright-core (cd tests/jupyterlab && npm ci)")
    return missing


def _require_tools() -> None:
    missing = missing_tools()
    if not missing:
        return
    reason = "the JupyterLab test needs " + "; ".join(missing)
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}. CI=true: .ci/run installs them, so this is a broken set-up, not a skip", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _processes_under(marker: Path) -> list[int]:
    """Processes whose command line names a path inside `marker` (a folder only this test uses)."""
    needle = (str(marker) + os.sep).encode()
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        if int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "cmdline").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _digest(paths) -> dict[str, str]:
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest() for path in paths if path.is_file()}


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


@dataclass
class LabRun:
    """What one JupyterLab session did: per-notebook results from the browser, and where its files are."""

    base: Path
    out: Path
    screenshots: Path
    results: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    leftover: list[str] = field(default_factory=list)  # processes still there after a clean stop (then killed)
    untouched: bool = True  # notebooks/ and figures/manifest.json byte for byte as before
    log: str = ""


def _environment(base: Path, out: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ANALYSIS_", "JUPYTER", "IPYTHON"))}
    env.update({
        # The kernels inherit these from the server: the seeds in, a temporary folder out, a fresh cache.
        "ANALYSIS_CORPUS": str(SEEDS), "ANALYSIS_GROUP": "outlet", "ANALYSIS_OUT": str(out),
        # The tests' own cache (conftest.py), else one of this test's: never the user's.
        "ANALYSIS_CACHE": os.environ.get("ANALYSIS_CACHE") or str(base / "cache"),
        # Inline figures, even under `make test`'s MPLBACKEND=Agg (as analysis.runner does for its kernels).
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
        # Nothing of the user's Jupyter or IPython set-up, and nothing written into it.
        "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"), "JUPYTER_DATA_DIR": str(base / "jupyter-data"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "lab-workspaces"), "IPYTHONDIR": str(base / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",
    })
    return env


def _wait_for_server(url: str, token: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {server.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}api/status?token={token}", timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"jupyter lab did not answer on {url} within {SERVER_START} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen | None, *, url: str | None = None, token: str | None = None) -> None:
    """Stop a process the test started: politely (the server's own shutdown stops its kernels), then by force."""
    if process is None or process.poll() is not None:
        return
    if url is not None:
        request = urllib.request.Request(f"{url}api/shutdown?token={token}", method="POST", data=b"")
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        try:
            process.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            pass
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)  # its own session: the process and whatever it started in its group
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def run_in_jupyterlab(tmp_path_factory) -> LabRun:
    """Run every numbered notebook in JupyterLab in headless Chromium, once; stop everything after."""
    _require_tools()
    base = tmp_path_factory.mktemp("jupyterlab")
    root, out, screenshots = base / "root", base / "out", base / "screenshots"
    for folder in (root, out, screenshots, base / "chromium-profile"):
        folder.mkdir()
    for path in NOTEBOOKS:  # copies: JupyterLab saves and checkpoints these, never the project's
        shutil.copy(path, root / path.name)
    for name, values in LAB_SETTINGS.items():
        target = base / "lab-settings" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")
    # The notebooks, the committed manifest and the corpus: none of them may change.
    protected = sorted(NOTEBOOKS) + [FIGURES / "manifest.json"] + sorted(p for p in SEEDS.rglob("*") if p.is_file())
    before = _digest(protected)

    token = secrets.token_hex(24)
    log = base / "jupyterlab.log"
    run = LabRun(base=base, out=out, screenshots=screenshots)
    server = node = url = None
    started = time.perf_counter()
    try:
        for attempt in range(3):  # a free port can be taken between asking and binding: then try another
            port = _free_port()
            url = f"http://127.0.0.1:{port}/"
            with open(log, "ab") as server_log:
                server = subprocess.Popen(
                    [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                     f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                     f"--ServerApp.root_dir={root}", "--ServerApp.terminals_enabled=False",
                     "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the notebook's model, for the checks
                     *(["--allow-root"] if os.geteuid() == 0 else [])],  # CI and containers run as root
                    cwd=root, env=_environment(base, out), stdin=subprocess.DEVNULL, stdout=server_log,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )
            try:
                _wait_for_server(url, token, server, log)
                break
            except RuntimeError:
                if server.poll() is None or attempt == 2 or "already in use" not in _tail(log, 5):
                    raise
        config = base / "config.json"
        results = base / "results.json"
        config.write_text(json.dumps({
            "url": url, "token": token, "notebooks": [path.name for path in NOTEBOOKS],
            "chromium": str(CHROMIUM), "userDataDir": str(base / "chromium-profile"),
            "screenshots": str(screenshots), "results": str(results), "timeout": NOTEBOOK_TIMEOUT,
        }), encoding="utf-8")
        node = subprocess.Popen(["node", str(SCRIPT), str(config)], cwd=NODE_DIR, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            output, _ = node.communicate(timeout=NOTEBOOK_TIMEOUT * len(NOTEBOOKS) + 120)
        except subprocess.TimeoutExpired:
            _stop(node)
            output, _ = node.communicate()
            output += "\n(timed out)"
        run.log = output
        sys.stderr.write(output)
        if results.is_file():
            run.results = {entry["notebook"]: entry for entry in json.loads(results.read_text(encoding="utf-8"))}
    finally:
        _stop(node)
        _stop(server, url=url, token=token)
        run.seconds = time.perf_counter() - started
        # Anything of ours still running (a kernel, a Chromium helper) is named, then ended by its id.
        for pid in _processes_under(base):
            if not _alive(pid):
                continue
            try:
                run.leftover.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200])
                os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
        run.untouched = _digest(protected) == before
    if not run.results:
        pytest.fail(f"the browser ran no notebook:\n{run.log[-3000:]}\n--- jupyter lab:\n{_tail(log)}", pytrace=False)
    print(f"\nJupyterLab: {len(run.results)} notebooks in {run.seconds:.0f} s; screenshots in {screenshots}",
          file=sys.stderr)
    return run
