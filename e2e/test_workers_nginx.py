"""Several worker processes behind nginx (platform/workers.py): sessions spread over the workers,
and a page's reconnect reaches the worker that holds its session (sticky routing on the token)."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap

import pytest
from playwright.sync_api import expect

from nginx_run import Nginx
from pywebio_lite.platform.workers import nginx_config
from pywebio_lite.testing_ws import Closed, SessionClient, run

APP = textwrap.dedent("""
    import os
    from pywebio_lite import start_server
    from pywebio_lite.input import input
    from pywebio_lite.output import put_text

    WORKER = os.environ["PYWEBIO_LITE_WORKER"]

    def main():
        put_text(f"served by worker {WORKER}")
        name = input("Your name")
        put_text(f"Hello {name}, from worker {WORKER}")
        input("Anything else")

    start_server(main, port=0, host="127.0.0.1", reconnect_timeout=60)
""")


@pytest.fixture
def workers(tmp_path):
    """Two workers (w0, w1) as separate processes; yields {id: port}."""
    script = tmp_path / "app.py"
    script.write_text(APP)
    procs, ports = [], {}
    try:
        for wid in ("w0", "w1"):
            env = {**os.environ, "PYWEBIO_LITE_WORKER": wid, "PYTHONUNBUFFERED": "1"}
            proc = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, text=True)
            procs.append(proc)
            line = proc.stdout.readline()  # "Running on http://127.0.0.1:PORT/ ..."
            assert line.startswith("Running on "), line
            ports[wid] = int(line.split()[2].rstrip("/").rsplit(":", 1)[1])
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()


@pytest.fixture
def proxy(tmp_path, workers):
    """nginx in front of the workers with nginx_config's sticky routing; yields its port."""
    runner = Nginx(tmp_path)
    sock = runner.listener()
    port = sock.getsockname()[1]
    runner.start(nginx_config(workers, listen=f"127.0.0.1:{port}"), sock)
    yield port
    runner.stop()


async def answer(client: SessionClient, name: str) -> str:
    form = await client.next_command("input_group")
    client.submit(form, name)
    while True:
        out = await client.next_command("output")
        if "Hello" in out["spec"].get("content", ""):
            return out["spec"]["content"]


def test_many_sessions_through_nginx_each_work_and_use_both_workers(proxy):
    async def one(i: int) -> tuple[str, str]:
        client = await SessionClient.connect(proxy)
        token = await client.hello()
        text = await answer(client, f"user{i}")
        await client.close()
        return token, text

    async def main():
        return await asyncio.gather(*(one(i) for i in range(60)))

    results = run(main())
    for i, (token, text) in enumerate(results):
        worker = token.split(".", 1)[0]
        assert text == f"Hello user{i}, from worker {worker}"
    assert {token.split(".", 1)[0] for token, _ in results} == {"w0", "w1"}


def test_a_reconnect_reaches_the_worker_that_holds_the_session(proxy):
    async def one(i: int) -> str:
        client = await SessionClient.connect(proxy)
        token = await client.hello()
        form = await client.next_command("input_group")
        client.abort()  # the network drops: no close frame
        again = await SessionClient.connect(proxy, session=token, ack=client.last_seq)
        again.last_seq = client.last_seq
        again.submit(form, f"back{i}")  # the form shown before the drop is still the live one
        while True:
            out = await again.next_command("output")
            if "Hello" in out["spec"].get("content", ""):
                await again.close()
                assert out["spec"]["content"] == f"Hello back{i}, from worker {token.split('.', 1)[0]}"
                return token

    async def main():
        return await asyncio.gather(*(one(i) for i in range(30)))

    tokens = run(main())
    assert {t.split(".", 1)[0] for t in tokens} == {"w0", "w1"}


def test_without_sticky_routing_the_other_worker_does_not_know_the_session(workers):
    """What the map prevents: a token of w0 shown to w1 gets 4404 (the page would have to reload)."""
    async def main():
        client = await SessionClient.connect(workers["w0"])
        token = await client.hello()
        assert token.startswith("w0.")
        await client.next_command("input_group")
        client.abort()
        stray = await SessionClient.connect(workers["w1"], session=token, ack=client.last_seq)
        with pytest.raises(Closed):
            await stray.next_command("input_group")
        return stray.close_code

    assert run(main()) == 4404


def test_a_person_uses_the_app_through_nginx(proxy, page, page_errors):
    page.goto(f"http://127.0.0.1:{proxy}/")
    expect(page.get_by_text("served by worker w")).to_be_visible()
    page.get_by_label("Your name").fill("Ada")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Hello Ada, from worker w")).to_be_visible()
