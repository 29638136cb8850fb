"""Warm kernels: notebook kernels started in a fraction of a second, with their libraries already imported.

A cold kernel spends about two CPU-seconds importing pandas, matplotlib, SciPy, scikit-learn and NLTK before a
notebook's first cell does anything. With $ANALYSIS_WARM_KERNELS set (the test suite sets it), the runner
instead asks a *nursery*: a process of its own that has imported those libraries once (not this package, whose
import sets up a notebook's display) and forks a copy of itself for each kernel. The copy then runs
`python -m ipykernel_launcher -f <connection file>` as a cold kernel would, so what a notebook sees is the same:

- the kernel is a child of the run (the nursery's copy forks it and exits, and the run, briefly a *child
  subreaper*, adopts it): the output folder's parent-pid handshake, `JPY_PARENT_PID`, signals and waiting work
  as for a kernel started with Popen;
- it runs in a session of its own, in the notebook's folder, with the run's environment, its standard output
  and error, and fresh random seeds;
- it is used only when the kernel would have started from the same interpreter with an environment that
  differs from the nursery's only in what is read after start (ANALYSIS_*, JPY_*, PYTEST_*), and in a folder
  without a matplotlibrc; otherwise, on a system without Linux's prctl, or when the nursery fails, the kernel
  starts cold.

One difference remains, by design: the kernels of one nursery share its string hash seed (a cold kernel draws
its own), so set order is the same across them; tests/test_reproducible.py compares a warm run with a cold one.

One nursery serves every run of a process; it exits when that process closes its end of the socket (at exit,
or killed). Why not fork the run itself: it holds threads, an event loop, and in the tests, pytest.
"""

from __future__ import annotations

import asyncio
import ctypes
import json
import os
import random
import runpy
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from importlib import import_module
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager

ENV_WARM = "ANALYSIS_WARM_KERNELS"

#: Imported by the nursery before it forks: the libraries every notebook imports, and the kernel's own.
#: Not matplotlib_inline or this package: their imports look for a running kernel and set it up; not
#: ipykernel.kernelapp, whose import reads JPY_PARENT_PID. Each is imported as in a kernel (_import_as_in_a_kernel):
#: pandas, for one, sets its display by that. tests/test_reproducible.py holds a run in warm kernels to one in
#: cold kernels byte for byte, reports included: what an import decides and a notebook shows is caught there.
PRELOAD = (
    "numpy", "pandas", "pyarrow", "scipy.stats", "scipy.optimize", "sklearn.linear_model",
    "sklearn.feature_extraction.text", "sklearn.metrics", "sklearn.model_selection", "sklearn.pipeline",
    "nltk", "matplotlib.pyplot", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
    "ipykernel.ipkernel", "IPython",
    # What the package's notebooks import on the way (tables' LaTeX and Markdown, Parquet, the output folder's
    # lock, coding sheets): about a seventh of a CPU-second a kernel.
    "pandas.io.formats.style", "jinja2", "tabulate", "pyarrow.parquet", "filelock", "openpyxl", "lxml.etree",
)

#: Environment variables read only after a kernel has started: they may differ from the nursery's.
LATE = ("ANALYSIS_", "JPY_", "PYTEST_")

#: How the nursery starts: this file run as a script, so that the package itself is not imported there (a
#: kernel's `import analysis` must run it, in the kernel), and, as ipykernel_launcher does, without the current
#: folder on the path.
_START = "import runpy, sys; del sys.path[0]; runpy.run_path(sys.argv[1], run_name='__main__')"

PR_SET_CHILD_SUBREAPER, PR_GET_CHILD_SUBREAPER = 36, 37
_MAX_FDS = 3


def _prctl():
    """Linux's prctl, or None where there is none (then every kernel starts cold)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


def _inheritable_fds() -> list[int]:
    """This process's descriptors above standard error that a child would inherit."""
    fds = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if int(name) > 2 and os.get_inheritable(int(name)):
                fds.append(int(name))
        except OSError:  # the listing's own descriptor, closed by now
            pass
    return fds


def _early(env: dict[str, str]) -> dict[str, str]:
    """The part of an environment a kernel reads as it starts (imports read it)."""
    return {key: value for key, value in env.items() if not key.startswith(LATE)}


class Child:
    """A child process of this one by its pid (a kernel the nursery forked, or the nursery): the part of Popen that
    jupyter_client uses."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode = None

    def poll(self):
        if self.returncode is None:
            self._reap(os.WNOHANG)
        return self.returncode

    def wait(self, timeout=None):
        if timeout is None:
            while self.returncode is None:
                self._reap(0)
        deadline = time.monotonic() + (timeout or 0)
        while self.poll() is None:
            if time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            time.sleep(0.01)
        return self.returncode

    def _reap(self, flags: int) -> None:
        try:
            pid, status = os.waitpid(self.pid, flags)
        except ChildProcessError:  # reaped elsewhere: it has ended, how is not known
            self.returncode = -1
            return
        if pid:
            self.returncode = os.waitstatus_to_exitcode(status)

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Nursery:
    """The process that forks kernels, and this process's end of its socket."""

    _launching = threading.Lock()  # one launch at a time: the subreaper flag is this process's, not a thread's
    _registry = threading.Lock()
    _nurseries: dict[str, Nursery] = {}  # by the early environment; the last KEEP
    KEEP = 2

    def __init__(self, env: dict[str, str]):
        ours, theirs = socket.socketpair()
        theirs.set_inheritable(True)
        try:
            # Only the socket passes: as Popen (close_fds) starts a cold kernel, with none of this process's
            # other inheritable descriptors.
            closed = [(os.POSIX_SPAWN_CLOSE, fd) for fd in _inheritable_fds() if fd != theirs.fileno()]
            self.process = Child(os.posix_spawn(
                sys.executable, [sys.executable, "-c", _START, __file__, str(theirs.fileno())], env,
                file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0), *closed]))
        finally:
            theirs.close()
        self.socket = ours

    @classmethod
    def for_kernel(cls, cmd: list[str], env: dict[str, str], cwd: str) -> Nursery | None:
        """The nursery that can start this kernel (started now if none is running), or None: start it cold."""
        if cmd[:3] != [sys.executable, "-m", "ipykernel_launcher"] or _prctl() is None:
            return None
        if (Path(cwd) / "matplotlibrc").exists():  # a cold kernel reads it as it imports matplotlib there
            return None
        key = json.dumps(_early(env), sort_keys=True)
        with cls._registry:
            nursery = cls._nurseries.pop(key, None)
            if nursery is None or nursery.process.poll() is not None:
                nursery = cls(env)
            cls._nurseries[key] = nursery  # the most recently used last
            while len(cls._nurseries) > cls.KEEP:
                cls._nurseries.pop(next(iter(cls._nurseries))).close()
        return nursery

    def close(self) -> None:
        """Close this end: the nursery exits (its kernels run on)."""
        self.socket.close()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def launch(self, cmd: list[str], env: dict[str, str], cwd: str) -> Child:
        """Fork a kernel running `cmd` (python -m ipykernel_launcher ...) as a child of this process."""
        env = {**env, "JPY_PARENT_PID": str(os.getpid())}
        request = json.dumps({"argv": cmd[3:], "env": env, "cwd": cwd, "parent": os.getpid()}).encode()
        prctl, was = _prctl(), ctypes.c_int(0)
        with self._launching:
            prctl(PR_GET_CHILD_SUBREAPER, ctypes.byref(was), 0, 0, 0)
            if prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")
            try:
                socket.send_fds(self.socket, [struct.pack("!I", len(request)) + request], [0, 1, 2])
                reply = _receive(self.socket)
            finally:
                prctl(PR_SET_CHILD_SUBREAPER, was.value, 0, 0, 0)
        if reply is None or "error" in reply:
            raise OSError(f"the kernel nursery could not start a kernel: {(reply or {}).get('error', 'it has ended')}")
        return Child(reply["pid"])


class WarmKernelManager(AsyncKernelManager):
    """A kernel manager that starts its kernel from a nursery when it can (see the module's docstring)."""

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw) -> None:
        env = kw.get("env") or dict(os.environ)
        cwd = str(kw.get("cwd") or os.getcwd())
        try:
            nursery = Nursery.for_kernel(kernel_cmd, env, cwd)
        except OSError:  # no process or descriptor to spare for a nursery: a cold kernel is as good
            nursery = None
        if nursery is None:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        launching = asyncio.get_running_loop().run_in_executor(None, nursery.launch, kernel_cmd, env, cwd)
        try:
            process = await asyncio.shield(launching)
        except asyncio.CancelledError:  # stopped while it started: the kernel, once forked, is ended at once
            launching.add_done_callback(_end_if_started)
            raise
        except (OSError, ValueError):  # the nursery could not (it ended, prctl was refused): cold is as good
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        provisioner = self.provisioner
        provisioner.process, provisioner.pid, provisioner.pgid, provisioner.cwd = process, process.pid, process.pid, cwd
        self._reconcile_connection_info(provisioner.connection_info)


def _end_if_started(launching: asyncio.Future) -> None:
    if not launching.cancelled() and launching.exception() is None:
        process = launching.result()
        process.kill()
        process.wait()


def kernel_manager_class() -> type[AsyncKernelManager]:
    """The kernel manager the runner uses: the warm one when $ANALYSIS_WARM_KERNELS is set (not "0" or "off")."""
    if os.environ.get(ENV_WARM, "").strip().lower() in ("", "0", "off", "no"):
        return AsyncKernelManager
    return WarmKernelManager


# --- The nursery's side --------------------------------------------------------------------------------------


def _receive(connection: socket.socket, fds: int = 0):
    """One length-prefixed JSON message (and up to `fds` file descriptors); None at the end of the stream."""
    head, received, _, _ = socket.recv_fds(connection, 4, fds)
    if len(head) < 4:
        for fd in received:
            os.close(fd)
        return None
    size = struct.unpack("!I", head)[0]
    body = b""
    while len(body) < size:
        chunk = connection.recv(size - len(body))
        if not chunk:
            return None
        body += chunk
    message = json.loads(body)
    return (message, received) if fds else message


def _reply(connection: socket.socket, message: dict) -> None:
    body = json.dumps(message).encode()
    connection.sendall(struct.pack("!I", len(body)) + body)


def _serve(connection: socket.socket):
    """Fork a kernel for each request until the run closes its end; in a forked kernel, return its request."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle; the run's exit ends this loop
    os.chdir("/")  # matplotlib reads ./matplotlibrc as it is imported: not the run's, nor any notebook's, here
    for module in PRELOAD:
        try:
            _import_as_in_a_kernel(module)
        except ImportError:  # not installed here: the kernel imports it itself, if it needs it
            pass
    import gc
    gc.freeze()  # what is imported stays in the pages every fork shares, not copied by the collector's visits
    while True:
        received = _receive(connection, _MAX_FDS)
        if received is None:
            return None
        request, fds = received
        try:
            pid = _fork_kernel()
        except OSError as error:
            _reply(connection, {"error": str(error)})
        else:
            if pid == 0:  # the kernel
                connection.close()
                return request, fds
            _reply(connection, {"pid": pid})
        for fd in fds:
            os.close(fd)


class _AKernel:
    """What get_ipython() gives in a kernel, as far as an import asks: pandas chooses display.max_columns as it is
    imported, 20 in a kernel and the terminal's width elsewhere (pandas.core.config_init.is_terminal), and
    display.encoding from sys.stdout's."""

    kernel = True


def _import_as_in_a_kernel(module: str) -> None:
    """Import `module` as a kernel would: with a get_ipython() whose shell has a kernel (only while it imports)."""
    import builtins
    import io

    builtins.get_ipython = _AKernel
    stdout, sys.stdout = sys.stdout, io.TextIOWrapper(io.BytesIO(), encoding="UTF-8")  # as ipykernel's OutStream
    try:
        import_module(module)
    finally:
        del builtins.get_ipython
        sys.stdout = stdout


def _fork_kernel() -> int:
    """Fork a go-between that forks the kernel and exits, so that the run (a subreaper) adopts the kernel: the
    kernel's pid, and 0 in the kernel."""
    read, write = os.pipe()
    between = os.fork()
    if between == 0:  # the go-between: no return from here but in the kernel
        try:
            kernel = os.fork()
            if kernel == 0:
                os.close(read)
                os.close(write)
                return 0
            os.write(write, struct.pack("!i", kernel))
        except BaseException:  # noqa: BLE001 - the nursery hears of it as a short read
            os._exit(1)
        os._exit(0)
    os.close(write)
    data = b""
    while len(data) < 4:
        chunk = os.read(read, 4 - len(data))
        if not chunk:
            break
        data += chunk
    os.close(read)
    os.waitpid(between, 0)
    if len(data) < 4:
        raise OSError("the kernel's go-between ended before it forked")
    return struct.unpack("!i", data)[0]


def _become_kernel(request: dict, fds: list[int]) -> None:
    """In the forked kernel: wait to be adopted by the run, then run as `python -m ipykernel_launcher` would. Its
    end is this process's end: the interpreter exits as a cold kernel's does (exit handlers, threads joined)."""
    deadline = time.monotonic() + 10
    while os.getppid() != request["parent"]:  # adopted when the go-between exits
        if time.monotonic() > deadline:
            raise SystemExit(f"kernel {os.getpid()}: not adopted by the run (pid {request['parent']}) in 10 s")
        time.sleep(0.001)
    os.setsid()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    stdin, writer = os.pipe()  # as Popen's stdin pipe, which jupyter_client closes: a read ends at once
    os.close(writer)
    os.dup2(stdin, 0)
    for target, fd in zip((1, 2), fds[1:]):
        os.dup2(fd, target)
    for fd in (*fds, stdin):
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    random.seed()  # a cold kernel's generators start from fresh entropy; a fork's would repeat the nursery's
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    sys.argv = [sys.argv[0], *request["argv"]]
    sys.path.insert(0, os.getcwd())  # as `python -m` puts it; the launcher takes it out again
    runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    kernel = _serve(socket.socket(fileno=int(sys.argv[-1])))
    if kernel is not None:
        _become_kernel(*kernel)
