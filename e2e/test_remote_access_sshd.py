"""remote_access against a real OpenSSH server on loopback (Debian's openssh-server, started here):
the app's public address comes from the service, is printed, and serves the app through the
tunnel; an unreachable service leaves the app serving locally with a clear message."""
from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

APP = textwrap.dedent("""
    import sys
    from pywebio_lite import start_server
    from pywebio_lite.input import input
    from pywebio_lite.output import put_text

    def main():
        name = input("Your name")
        put_text(f"Hello {name}, through the tunnel")

    start_server(main, port=0, host="127.0.0.1", remote_access=sys.argv[1])
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sshd(tmp_path):
    """An sshd on a free loopback port whose only command is a tunnel service like PyWebIO's:
    it prints the public address as JSON and keeps the session (and the tunnel) open."""
    binary = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(binary):
        pytest.fail("sshd is needed for this test (apt-get install openssh-server)")
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)  # its privilege-separation directory
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / name)], check=True)
    (tmp_path / "authorized_keys").write_text((tmp_path / "client_key.pub").read_text())
    public_port = free_port()
    service = tmp_path / "service.sh"
    service.write_text("#!/bin/sh\n"
                       f"echo '{{\"status\": \"success\", \"address\": \"http://127.0.0.1:{public_port}/\"}}'\n"
                       "exec sleep 3600\n")
    service.chmod(0o755)
    port = free_port()
    (tmp_path / "sshd_config").write_text(textwrap.dedent(f"""
        Port {port}
        ListenAddress 127.0.0.1
        HostKey {tmp_path}/host_key
        PidFile {tmp_path}/sshd.pid
        AuthorizedKeysFile {tmp_path}/authorized_keys
        StrictModes no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        UsePAM no
        AllowTcpForwarding remote
        PermitRootLogin prohibit-password
        ForceCommand {service}
    """))
    proc = subprocess.Popen([binary, "-D", "-e", "-f", str(tmp_path / "sshd_config")],
                            stderr=subprocess.PIPE, text=True)
    try:
        while True:  # "Server listening on 127.0.0.1 port N."
            line = proc.stderr.readline()
            assert line, "sshd exited before listening"
            if "Server listening" in line:
                break
        ssh_args = f"-i {tmp_path}/client_key -o UserKnownHostsFile={tmp_path}/known_hosts"
        yield {"service": f"{getpass.getuser()}@127.0.0.1:{port}/{public_port}", "public_port": public_port,
               "env": {**os.environ, "PYWEBIO_LITE_REMOTE_ACCESS_SSH": ssh_args, "PYTHONUNBUFFERED": "1"}}
    finally:
        proc.terminate()
        proc.wait()


def run_app(tmp_path, service: str, env: dict) -> subprocess.Popen:
    script = tmp_path / "app.py"
    script.write_text(APP)
    return subprocess.Popen([sys.executable, str(script), service], env=env, stdout=subprocess.PIPE, text=True)


def read_until(proc: subprocess.Popen, needle: str) -> str:
    seen = ""
    while needle not in seen:
        line = proc.stdout.readline()
        assert line, f"the app exited; it printed:\n{seen}"
        seen += line
    return seen


def greeted(page, url: str, name: str) -> None:
    """A person opens `url`, answers the form, and sees the app's answer."""
    page.goto(url)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text(f"Hello {name}, through the tunnel")).to_be_visible()


def test_the_public_address_serves_the_app(sshd, tmp_path, page, page_errors):
    app = run_app(tmp_path, sshd["service"], sshd["env"])
    try:
        printed = read_until(app, "Anyone with this address")
        address = f"http://127.0.0.1:{sshd['public_port']}/"
        assert address in printed
        greeted(page, address, "Ada")  # through sshd's end of the tunnel, not the app's own port
    finally:
        app.terminate()
        app.wait()


def test_an_unreachable_service_leaves_the_app_serving_locally(sshd, tmp_path, page, page_errors):
    dead = free_port()  # nothing listens there
    app = run_app(tmp_path, f"nobody@127.0.0.1:{dead}", sshd["env"])
    try:
        printed = read_until(app, "still served locally")
        assert "Remote access is not available" in printed and "ssh exited with code 255" in printed
        local = printed.split("Running on ", 1)[1].split()[0]
        greeted(page, local, "Bo")
    finally:
        app.terminate()
        app.wait()
