"""Helpers that several test modules use: import them from here, never from another test module."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def ids(paths: list[Path]) -> list[str]:
    """Readable pytest ids for notebook paths: ``notebooks/03_rfm.ipynb``."""
    return [f"{path.parent.name}/{path.name}" for path in paths]


def output_texts(cell) -> list[str]:
    """Every text a notebook cell shows: its streams and the text/* parts of its results."""
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            texts += [value for key, value in output.data.items() if key.startswith("text/") and isinstance(value, str)]
    return texts


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def jupyter_lab_server(root: Path, config: Path, settings: dict[tuple[str, str], dict]) -> Iterator[dict]:
    """Run JupyterLab on `root` on a free port with a random token and its own `settings`; always stopped.

    Yields ``{"url", "token", "root"}``. The server gets its own process group, so stopping it also
    stops its kernels; its log is in ``config/server.log`` and shown when it does not start.
    """
    import json
    import os
    import signal
    import subprocess
    import sys
    import time
    import urllib.request

    import pytest

    for (extension, plugin), values in settings.items():
        folder = config / "settings" / "@jupyterlab" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plugin}.jupyterlab-settings").write_text(json.dumps(values), encoding="utf-8")
    environment = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_RUNTIME_DIR=str(config / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(config / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(config / "workspaces"),
    )
    port, token = free_port(), os.urandom(16).hex()
    log = (config / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--allow-root",
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it also stops its kernels
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(config / 'server.log').read_text()[-3000:]}")
                time.sleep(0.2)
        yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root}
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
