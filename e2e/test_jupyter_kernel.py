"""Script mode inside a Jupyter kernel (ipykernel, driven by jupyter_client as a notebook would):
`put_text(...).show()` and `input()` in notebook cells open the page and work from it."""
from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from playwright.sync_api import expect

ROOT = Path(__file__).resolve().parent.parent



def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def kernel(tmp_path):
    """A fresh python3 kernel whose script mode serves on a known free port."""
    from jupyter_client.manager import start_new_kernel
    port = free_port()
    env = {**os.environ, "PYWEBIO_SCRIPT_MODE_PORT": str(port), "PYTHONPATH": str(ROOT),
           "IPYTHONDIR": str(tmp_path / "ipython"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        env.pop(name, None)
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(tmp_path))
    try:
        yield kc, f"http://127.0.0.1:{port}/"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def reply_to(kc, msg_id: str) -> dict:
    """The cell's execute_reply (earlier replies are skipped)."""
    while True:
        msg = kc.get_shell_msg()
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg["content"]


def printed(kc, msg_id: str) -> str:
    """What the cell printed, once it is idle."""
    out = []
    while True:
        msg = kc.get_iopub_msg()
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)


def wait_printed(kc, msg_id: str, needle: str) -> None:
    """Read the cell's output until `needle` shows up in it."""
    seen = ""
    while needle not in seen:
        msg = kc.get_iopub_msg()
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "stream":
            seen += msg["content"]["text"]


def test_show_and_input_in_notebook_cells(kernel, page, page_errors):
    kc, url = kernel
    first = kc.execute("from pywebio_lite.output import put_text\n"
                       "put_text('Hello from Jupyter').show()")  # blocks until the page connects
    wait_printed(kc, first, f"open {url}")  # script mode says where, once it listens
    page.goto(url)
    expect(page.get_by_text("Hello from Jupyter")).to_be_visible()
    assert reply_to(kc, first)["status"] == "ok"
    cell = kc.execute("from pywebio_lite.input import input\n"
                      "name = input('Your name')\n"
                      "put_text(f'Nice to meet you, {name}').show()\n"
                      "print('the kernel got', name)")
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Nice to meet you, Ada")).to_be_visible()
    assert reply_to(kc, cell)["status"] == "ok"
    assert "the kernel got Ada" in printed(kc, cell)
