"""platform/workers.py: worker ids, the token prefix, the nginx configuration, run_workers."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap

import pytest

from pywebio_lite.platform import workers
from pywebio_lite.platform.adaptor import SessionConnection
from pywebio_lite.platform.workers import WORKER_ENV, nginx_config, token_prefix, worker_id
from pywebio_lite.testing_ws import SessionClient, run


class TestWorkerId:
    def test_no_worker_no_prefix(self, monkeypatch):
        monkeypatch.delenv(WORKER_ENV, raising=False)
        assert worker_id() is None and token_prefix() == ""
        monkeypatch.setenv(WORKER_ENV, "")
        assert worker_id() is None

    def test_a_worker_prefixes_every_session_token(self, monkeypatch):
        monkeypatch.setenv(WORKER_ENV, "w3")
        assert token_prefix() == "w3."
        conn = SessionConnection(lambda: None, {}, reconnect_timeout=10)
        assert conn.token.startswith("w3.") and len(conn.token) > 20
        other = SessionConnection(lambda: None, {}, reconnect_timeout=10)
        assert other.token != conn.token

    @pytest.mark.parametrize("bad", ["w 1", "w.1", "x" * 17, "ü", "w1;"])
    def test_a_malformed_id_is_refused(self, monkeypatch, bad):
        monkeypatch.setenv(WORKER_ENV, bad)
        with pytest.raises(ValueError, match=WORKER_ENV):
            worker_id()


class TestNginxConfig:
    def test_routes_each_worker_token_to_its_port(self):
        text = nginx_config([8081, 8082], listen=8080)
        assert '"~^w0\\." 127.0.0.1:8081;' in text
        assert '"~^w1\\." 127.0.0.1:8082;' in text
        assert "default pywebio_lite_workers;" in text
        assert "server 127.0.0.1:8081;" in text and "server 127.0.0.1:8082;" in text
        assert "listen 8080;" in text
        assert "proxy_buffering off;" in text and "proxy_set_header Upgrade $http_upgrade;" in text
        assert "rewrite" not in text

    def test_a_sub_path_is_stripped_and_ids_may_be_named(self):
        text = nginx_config({"east": 9001, "west": 9002}, location="/tool/", listen="0.0.0.0:80")
        assert "location /tool/ {" in text
        assert "rewrite ^/tool/(.*)$ /$1 break;" in text
        assert '"~^east\\." 127.0.0.1:9001;' in text

    @pytest.mark.parametrize("ports, options, message", [
        ([], {}, "at least one"),
        ([0], {}, "port"),
        ([70000], {}, "port"),
        (["8081"], {}, "port"),
        ({"a b": 8081}, {}, "worker id"),
        ([8081], {"location": "tool"}, "location"),
        ([8081], {"location": "/a;b/"}, "location"),
        ([8081], {"listen": "80; evil"}, "listen"),
    ])
    def test_bad_arguments(self, ports, options, message):
        with pytest.raises(ValueError, match=message):
            nginx_config(ports, **options)

    def test_the_command_line_prints_it(self, capsys):
        assert workers.main(["--nginx", "3", "--port", "9000", "--location", "/x/"]) == 0
        out = capsys.readouterr().out
        assert out == nginx_config([9000, 9001, 9002], location="/x/")


def _consecutive_free_ports(n: int) -> int:
    while True:
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        start = probe.getsockname()[1]
        probe.close()
        if start + n > 65535:
            continue
        held = []
        try:
            for port in range(start, start + n):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
            return start
        except OSError:
            continue
        finally:
            for s in held:
                s.close()


def test_run_workers_starts_them_with_their_ids_and_stops_them_together(tmp_path):
    port = _consecutive_free_ports(2)
    script = tmp_path / "app.py"
    script.write_text(textwrap.dedent(f"""
        import os
        from pywebio_lite.platform.workers import run_workers
        from pywebio_lite.output import put_text
        from pywebio_lite.input import input

        def main():
            put_text("worker " + os.environ["PYWEBIO_LITE_WORKER"])
            input("Name")

        if __name__ == "__main__":
            run_workers(main, workers=2, port={port}, reconnect_timeout=30)
    """))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        seen = ""
        while seen.count("Running on ") < 2:  # one line per worker (two processes: may interleave)
            line = proc.stdout.readline()
            assert line, seen
            seen += line

        async def token_of(p):
            client = await SessionClient.connect(p)
            token = await client.hello()
            out = await client.next_command("output")
            await client.close()
            return token, out["spec"]["content"]

        for index in (0, 1):
            token, text = run(token_of(port + index))
            assert token.startswith(f"w{index}.") and text == f"worker w{index}"
    finally:
        proc.terminate()
        assert proc.wait() is not None
    # SIGTERM to the parent stopped the workers too: nothing listens on their ports any more
    # (SO_REUSEADDR lets a bind pass a port in TIME_WAIT, never one that a socket listens on)
    for p in (port, port + 1):
        with socket.socket() as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", p))


@pytest.mark.parametrize("options, message", [({"workers": 0}, "workers"), ({"workers": True}, "workers"),
                                              ({"port": 0}, "port"), ({"port": 65535, "workers": 2}, "port")])
def test_run_workers_bad_arguments(options, message):
    with pytest.raises(ValueError, match=message):
        workers.run_workers(lambda: None, **options)
