"""Warm kernels (analysis/kernels.py): forked from a nursery, and to a notebook the same as a cold kernel."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time

import nbformat
import pytest

from analysis import kernels
from analysis.runner import run_notebook

#: What a notebook can see of how its kernel started. `pandas_before` is whether pandas was imported before the
#: notebook's first line (it is in a warm kernel: that is the point); `colwidth` shows that `import analysis` in
#: the notebook set up its display (a nursery that had imported the package would have skipped that).
PROBE = """import json, os, random, subprocess, sys
pandas_before = "pandas" in sys.modules
import analysis, matplotlib, numpy, pandas
print(json.dumps({
    "child_of_the_run": os.getppid() == int(os.environ["PROBE_RUN"]),
    "jpy_parent_is_the_run": os.environ["JPY_PARENT_PID"] == os.environ["PROBE_RUN"],
    "session_leader": os.getsid(0) == os.getpid(),
    "path": sys.path[:2], "cwd": os.getcwd(), "executable": sys.executable, "stdin_is_tty": os.isatty(0),
    "colwidth": pandas.get_option("display.max_colwidth"), "columns": pandas.get_option("display.max_columns"),
    "width": pandas.get_option("display.width"), "encoding": pandas.get_option("display.encoding"),
    "backend": matplotlib.get_backend(), "dpi": matplotlib.rcParams["figure.dpi"],
    "stdin_ends": subprocess.run(["cat"], timeout=20, capture_output=True).returncode == 0,
    "inherited": sorted(int(fd) for fd in os.listdir("/proc/self/fd") if int(fd) > 2 and os.path.exists(f"/proc/self/fd/{fd}")
                        and os.get_inheritable(int(fd))),
    "numpy_draw": float(numpy.random.rand()), "random_draw": random.random(), "pandas_before": pandas_before,
    "late": os.environ.get("ANALYSIS_PROBE"), "pid": os.getpid(),
}))"""


def _probe(folder, monkeypatch, warm: bool) -> dict:
    monkeypatch.setenv(kernels.ENV_WARM, "1" if warm else "0")
    path = folder / "probe.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE)]), path)
    env = {"PROBE_RUN": str(os.getpid()), "ANALYSIS_PROBE": f"warm={warm}",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    executed = run_notebook(path, env)
    return json.loads(executed.cells[0].outputs[0]["text"])


def test_a_warm_kernel_shows_a_notebook_what_a_cold_kernel_shows_but_its_libraries_are_imported(tmp_path,
                                                                                               monkeypatch):
    cold = _probe(tmp_path, monkeypatch, warm=False)
    warm, again = (_probe(tmp_path, monkeypatch, warm=True) for _ in range(2))
    same = ("child_of_the_run", "jpy_parent_is_the_run", "session_leader", "path", "cwd", "executable",
            "stdin_is_tty", "colwidth", "columns", "width", "encoding", "backend", "dpi", "stdin_ends", "inherited")
    assert {key: warm[key] for key in same} == {key: cold[key] for key in same} == {key: again[key] for key in same}
    assert cold["child_of_the_run"] and cold["session_leader"] and cold["colwidth"] is None
    assert cold["columns"] == 20  # pandas' choice in a kernel; imported in a plain process it would be 0
    assert cold["stdin_ends"] and cold["inherited"] == []
    assert cold["cwd"] == str(tmp_path)
    assert (cold["pandas_before"], warm["pandas_before"], again["pandas_before"]) == (False, True, True)
    # Read after the start, these follow each run, not the nursery's first.
    assert (cold["late"], warm["late"], again["late"]) == ("warm=False", "warm=True", "warm=True")
    # Two forks of one nursery draw different random numbers, as two cold kernels do.
    assert warm["numpy_draw"] != again["numpy_draw"] and warm["random_draw"] != again["random_draw"]
    assert warm["pid"] != again["pid"]


def test_only_ipykernel_from_this_interpreter_is_forked_and_other_kernels_start_cold(tmp_path):
    env, cwd = dict(os.environ), str(tmp_path)
    assert kernels.Nursery.for_kernel(["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", "x.json"], env, cwd) is None
    assert kernels.Nursery.for_kernel([sys.executable, "-m", "some_other_kernel", "-f", "x.json"], env, cwd) is None


def test_a_kernel_in_a_folder_with_a_matplotlibrc_starts_cold(tmp_path):
    # matplotlib reads ./matplotlibrc as it is imported: the nursery imported it elsewhere.
    (tmp_path / "matplotlibrc").write_text("figure.dpi: 42\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"]
    assert kernels.Nursery.for_kernel(cmd, dict(os.environ), str(tmp_path)) is None


def test_an_early_environment_variable_gets_a_nursery_of_its_own_and_a_late_one_does_not(tmp_path):
    cmd, cwd = [sys.executable, "-m", "ipykernel_launcher", "-f", "x.json"], str(tmp_path)
    first = kernels.Nursery.for_kernel(cmd, {**os.environ, "ANALYSIS_PROBE": "1"}, cwd)
    assert kernels.Nursery.for_kernel(cmd, {**os.environ, "ANALYSIS_PROBE": "2", "JPY_SESSION_NAME": "x"}, cwd) is first
    other = kernels.Nursery.for_kernel(cmd, {**os.environ, "TZ": "Asia/Tehran"}, cwd)  # read as time is first used
    assert other is not first
    assert kernels.Nursery.for_kernel(cmd, {**os.environ, "TZ": "Asia/Tehran"}, cwd) is other


def test_the_environment_a_kernel_reads_as_it_starts_leaves_out_only_the_late_prefixes():
    env = {"ANALYSIS_OUT": "a", "JPY_PARENT_PID": "1", "PYTEST_CURRENT_TEST": "t", "PYTHONPATH": "p", "MPLBACKEND": "m",
           "HOME": "h"}
    assert kernels._early(env) == {"PYTHONPATH": "p", "MPLBACKEND": "m", "HOME": "h"}


def test_without_the_setting_the_runner_starts_cold_kernels(monkeypatch):
    from jupyter_client.manager import AsyncKernelManager

    for value, expected in (("", AsyncKernelManager), ("0", AsyncKernelManager), ("off", AsyncKernelManager),
                            ("1", kernels.WarmKernelManager)):
        monkeypatch.setenv(kernels.ENV_WARM, value)
        assert kernels.kernel_manager_class() is expected


def _start(tmp_path) -> kernels.WarmKernelManager:
    return kernels.WarmKernelManager(transport="ipc", ip=str(tmp_path / "kernel"))


def test_a_warm_kernel_killed_is_seen_dead_with_its_signal_and_reaped(tmp_path):
    async def main():
        manager = _start(tmp_path)
        await manager.start_kernel(cwd=str(tmp_path))
        process = manager.provisioner.process
        assert isinstance(process, kernels.Child) and await manager.is_alive()
        os.kill(process.pid, signal.SIGKILL)
        for _ in range(100):
            if not await manager.is_alive():
                break
            await asyncio.sleep(0.05)
        assert process.returncode == -signal.SIGKILL
        await manager.cleanup_resources()
        return process.pid

    pid = asyncio.run(main())
    assert not os.path.exists(f"/proc/{pid}")  # reaped, not a zombie of this process


def test_a_warm_kernel_shuts_down_as_asked_and_exits_cleanly(tmp_path):
    async def main():
        manager = _start(tmp_path)
        await manager.start_kernel(cwd=str(tmp_path))
        process = manager.provisioner.process
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.stop_channels()
        await manager.shutdown_kernel()
        return process

    process = asyncio.run(main())
    assert process.returncode == 0
    assert not os.path.exists(f"/proc/{process.pid}")


def test_a_warm_kernel_stopped_while_it_starts_is_ended_and_reaped(tmp_path, monkeypatch):
    import threading

    forked, release = [], threading.Event()
    original = kernels.Nursery.launch

    def launch(self, *args):  # the kernel is forked; the run is stopped before it hears so
        forked.append(original(self, *args))
        release.wait(timeout=30)
        return forked[-1]

    monkeypatch.setattr(kernels.Nursery, "launch", launch)

    async def main():
        task = asyncio.ensure_future(_start(tmp_path).start_kernel(cwd=str(tmp_path)))
        while not forked:
            await asyncio.sleep(0.01)
        task.cancel()
        await asyncio.sleep(0)
        release.set()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.5)  # the executor's result reaches the loop, and with it the callback

    asyncio.run(main())
    assert forked[0].returncode == -signal.SIGKILL
    assert not os.path.exists(f"/proc/{forked[0].pid}")


def test_a_nursery_ends_when_its_run_closes_its_end():
    nursery = kernels.Nursery(dict(os.environ))
    nursery.socket.close()
    assert nursery.process.wait(timeout=60) == 0
