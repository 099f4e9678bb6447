"""``kit.py start`` stops cleanly: JupyterLab and its kernels end, and the port is free again.

The test starts ``python3 kit.py start --no-browser`` on a free port, opens a kernel through
JupyterLab's REST API (as opening a notebook does), then sends kit.py what a user or a system
sends: SIGINT (Ctrl-C in the terminal) or SIGTERM (closing a session, ``kill``, a service manager).
Every process started for the run carries a marker in its environment, so the test finds leftovers
by reading ``/proc`` (Linux), whatever their process group or parent.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest

from course_lib import KIT_ROOT

if not sys.platform.startswith("linux"):
    pytest.skip("finds leftover processes through /proc, which only Linux has", allow_module_level=True)

MARKER_VARIABLE = "COURSE_KIT_STOP_TEST"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_free(port: int) -> bool:
    """Nothing listens on `port`, and a new server could take it (as JupyterLab does, with SO_REUSEADDR,
    so the closed connections of the test's own requests, in TIME_WAIT, do not count)."""
    with socket.socket() as client:
        if client.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind(("127.0.0.1", port))
            server.listen()
        except OSError:
            return False
    return True


def marked_processes(marker: str) -> list[str]:
    """Command lines of the live processes whose environment carries `marker`."""
    wanted = f"{MARKER_VARIABLE}={marker}".encode()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if wanted not in handle.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry}/stat") as handle:
                if handle.read().rsplit(")", 1)[1].split()[0] == "Z":  # exited, waiting to be reaped
                    continue
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                found.append(f"{entry}: " + handle.read().replace(b"\0", b" ").decode(errors="replace"))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def api(url: str, token: str, method: str = "GET") -> dict | list:
    request = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, data=b"{}" if method == "POST" else None, timeout=10) as response:
        return json.loads(response.read() or b"null")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_stopping_start_ends_jupyterlab_and_its_kernels_and_frees_the_port(tmp_path, stop_signal):
    port, token, marker = free_port(), uuid.uuid4().hex, uuid.uuid4().hex
    environment = dict(
        os.environ,
        COURSE_KIT_VENV=sys.prefix,  # the environment running the tests: nothing is installed
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        **{MARKER_VARIABLE: marker},
    )
    command = [
        sys.executable,
        str(KIT_ROOT / "kit.py"),
        "start",
        "--no-browser",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
    ]
    log_path = tmp_path / "kit.log"
    with log_path.open("w") as log:
        kit = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                api(f"{base}/api/status", token)
                break
            except OSError:
                assert kit.poll() is None, f"kit.py start ended early:\n{log_path.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"JupyterLab did not answer:\n{log_path.read_text()[-3000:]}"
                time.sleep(0.3)
        # The server's root is the kit's folder: its notebooks/ and exercises/ are listed at the top.
        top = {item["name"] for item in api(f"{base}/api/contents", token)["content"]}
        assert {"notebooks", "exercises", "datasets"} <= top
        kernel = api(f"{base}/api/kernels", token, method="POST")
        deadline = time.monotonic() + 120
        while not any("ipykernel" in line for line in marked_processes(marker)):
            assert time.monotonic() < deadline, f"no kernel process appeared: {marked_processes(marker)}"
            time.sleep(0.3)
        assert kernel["id"] in {item["id"] for item in api(f"{base}/api/kernels", token)}

        kit.send_signal(stop_signal)
        assert kit.wait(timeout=60) == 0, log_path.read_text()[-3000:]
    finally:
        if kit.poll() is None:
            kit.kill()
            kit.wait()
    log = log_path.read_text()
    assert "stopping JupyterLab and its kernels" in log
    assert marked_processes(marker) == [], log[-3000:]
    assert port_is_free(port), f"port {port} is still taken after kit.py stopped"
