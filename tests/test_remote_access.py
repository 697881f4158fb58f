"""remote_access: the service string, the service's answers, the ssh command, and RemoteAccess with
a stand-in ssh program (e2e/test_remote_access_sshd.py runs a real sshd)."""
from __future__ import annotations

import io
import json
import os
import stat
import sys

import pytest

from pywebio_lite.platform.remote_access import (DEFAULT_SERVICE, RemoteAccess, parse_answer, parse_service,
                                                 ssh_command)
from pywebio_lite.platform.server import make_server


class TestService:
    def test_the_default_is_pywebios_service(self, monkeypatch):
        monkeypatch.delenv("PYWEBIO_LITE_REMOTE_ACCESS", raising=False)
        assert DEFAULT_SERVICE == "app.pywebio.online:1022"
        assert parse_service(True) == (None, "app.pywebio.online", 1022, 80)

    def test_the_environment_names_another(self, monkeypatch):
        monkeypatch.setenv("PYWEBIO_LITE_REMOTE_ACCESS", "tunnel@example.org:2222")
        assert parse_service(True) == ("tunnel", "example.org", 2222, 80)

    @pytest.mark.parametrize("value, parsed", [
        ("example.org", (None, "example.org", 22, 80)),
        ("me@10.0.0.1:2200/8080", ("me", "10.0.0.1", 2200, 8080)),
        ("[::1]:22/0", (None, "::1", 22, 0)),
    ])
    def test_forms(self, value, parsed):
        assert parse_service(value) == parsed

    @pytest.mark.parametrize("value", ["-oProxyCommand=evil", "a b", "host:99999", "host:22/70000", "@host",
                                       "host;rm", "host:22:33"])
    def test_bad_values_are_refused(self, value):
        with pytest.raises(ValueError, match="remote_access"):
            parse_service(value)

    def test_a_wrong_type(self):
        with pytest.raises(TypeError, match="remote_access"):
            parse_service(3)

    def test_start_server_refuses_a_bad_value_before_serving(self):
        with pytest.raises(ValueError, match="remote_access"):
            make_server(lambda: None, remote_access="-oProxyCommand=x")


class TestAnswers:
    def test_success(self):
        assert parse_answer('{"status": "success", "address": "https://abc.app.pywebio.online"}\n') == \
            ("address", "https://abc.app.pywebio.online")

    def test_errors(self):
        assert parse_answer('{"status": "error", "message": "too many tunnels"}') == ("error", "too many tunnels")
        assert parse_answer('{"status": "success", "address": "javascript:alert(1)"}')[0] == "error"

    @pytest.mark.parametrize("line", ["", "Welcome!", "{not json", "[1]", '{"status": "pending"}',
                                      '{"status": "success", "address": 3}'])
    def test_other_lines_are_ignored(self, line):
        assert parse_answer(line) is None


def test_the_ssh_command():
    cmd = ssh_command(8080, "me@host:2200/81", ssh="/usr/bin/ssh", extra_args=["-i", "key"])
    assert cmd[0] == "/usr/bin/ssh"
    assert cmd[cmd.index("-R") + 1] == "81:127.0.0.1:8080"
    assert cmd[cmd.index("-p") + 1] == "2200"
    assert "BatchMode=yes" in cmd and "ExitOnForwardFailure=yes" in cmd
    assert cmd[-4:] == ["me@host", "--", "--output", "json"]
    assert cmd.index("-i") < cmd.index("-R")


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """A program called ssh on PATH that prints what the test says (and records its arguments)."""
    def install(script: str):
        path = tmp_path / "ssh"
        path.write_text(f"#!{sys.executable}\nimport sys, json\n"
                        f"open({str(tmp_path / 'args')!r}, 'w').write(json.dumps(sys.argv[1:]))\n" + script)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
        monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
        return tmp_path / "args"
    return install


def test_the_address_is_printed(fake_ssh):
    fake_ssh('print("Welcome to the tunnel service", flush=True)\n'
             'print(json.dumps({"status": "success", "address": "https://x1.example.org"}), flush=True)\n'
             'sys.stdin.read()\nimport time\ntime.sleep(3600)\n')
    out = io.StringIO()
    tunnel = RemoteAccess(5000, "example.org", out=out).start()
    try:
        assert tunnel.ready.wait()
        assert tunnel.address == "https://x1.example.org" and tunnel.error is None
        assert "https://x1.example.org" in out.getvalue()
    finally:
        tunnel.stop()


def test_a_service_that_refuses(fake_ssh):
    fake_ssh('print(json.dumps({"status": "error", "message": "no capacity"}), flush=True)\nsys.exit(1)\n')
    out = io.StringIO()
    tunnel = RemoteAccess(5000, True, out=out).start()
    assert tunnel.ready.wait()
    assert tunnel.address is None and "no capacity" in tunnel.error
    assert "still served locally" in out.getvalue()


def test_an_unreachable_host(fake_ssh):
    args = fake_ssh('sys.stderr.write("ssh: connect to host example.org port 1022: Connection refused\\n")\n'
                    'sys.exit(255)\n')
    out = io.StringIO()
    tunnel = RemoteAccess(5000, "example.org:1022", out=out).start()
    assert tunnel.ready.wait()
    assert "code 255" in tunnel.error and "Connection refused" in tunnel.error
    assert "still served locally" in out.getvalue()
    tunnel._proc.wait()
    assert "5000" in args.read_text()


def test_no_ssh_at_all(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty directory: no ssh
    out = io.StringIO()
    tunnel = RemoteAccess(5000, True, out=out).start()
    assert tunnel.ready.is_set()
    assert "ssh command" in tunnel.error and "still served locally" in out.getvalue()


@pytest.mark.parametrize("host", ["builtin", "tornado", "aiohttp", "fastapi", "django", "tornado_http"])
def test_every_start_server_opens_the_tunnel(fake_ssh, tmp_path, host):
    import subprocess
    import textwrap
    fake_ssh('print(json.dumps({"status": "success", "address": "https://t.example.org"}), flush=True)\n'
             'import time\ntime.sleep(3600)\n')
    module = "pywebio_lite" if host == "builtin" else f"pywebio_lite.platform.{host}"
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent(f"""
        from {module} import start_server
        from pywebio_lite.output import put_text
        start_server(lambda: put_text("hi"), port=0, host="127.0.0.1", remote_access="tunnel@example.org")
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        seen = ""
        while "Anyone with this address" not in seen:
            line = proc.stdout.readline()
            assert line, seen
            seen += line
        assert "https://t.example.org" in seen and "Running on http://127.0.0.1:" in seen
        args = json.loads((tmp_path / "args").read_text())
        port = seen.split("Running on http://127.0.0.1:", 1)[1].split("/", 1)[0]
        assert args[args.index("-R") + 1] == f"80:127.0.0.1:{port}" and "tunnel@example.org" in args
    finally:
        proc.terminate()
        proc.wait()
