"""Importing the public modules stays light: no server stack, asyncio, ssl, zlib, markdown engine
or User-Agent parser until something uses them (issue 8, "Start light")."""
import json
import subprocess
import sys

import pytest

HEAVY = ["asyncio", "ssl", "zlib", "gzip", "socket", "secrets", "tempfile", "inspect", "email",
         "pywebio_lite.markdown", "pywebio_lite.useragent", "pywebio_lite.template",
         "pywebio_lite.server", "pywebio_lite.platform.server", "pywebio_lite.platform.adaptor",
         "pywebio_lite.protocol.websocket", "pywebio_lite.protocol.http", "pywebio_lite.protocol.deflate",
         "pywebio_lite.session.coroutinebased"]


def modules_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running `code` (-S: no site and no .pth files,
    so nothing the environment preloads hides a heavy import)."""
    probe = code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-S", "-c", probe], check=True, capture_output=True, text=True,
                         env={"PYTHONPATH": ":".join(p for p in sys.path if p)})
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_the_public_modules_import_nothing_heavy():
    loaded = modules_after("import pywebio_lite, pywebio_lite.output, pywebio_lite.input, "
                           "pywebio_lite.session, pywebio_lite.pin, pywebio_lite.platform")
    assert "pywebio_lite.output" in loaded and "pywebio_lite.pin" in loaded
    assert sorted(loaded & set(HEAVY)) == []


def test_the_probe_sees_heavy_modules_when_they_are_used():
    """The check above can fail: the same probe reports the server stack once it is touched."""
    loaded = modules_after("import pywebio_lite; pywebio_lite.start_server")
    assert {"asyncio", "pywebio_lite.server", "pywebio_lite.platform.server"} <= loaded


@pytest.mark.parametrize("statement", [
    "from pywebio_lite.platform import start_server",
    "from pywebio_lite import start_server, config, STATIC_PATH, SessionClosedException",
    "from pywebio_lite.platform import config, seo, run_event_loop",
    "from pywebio_lite.session import CoroutineBasedSession, TaskHandler, ThreadBasedSession, run_async",
    "import pywebio_lite.platform.server, pywebio_lite.platform.page",
])
def test_every_public_name_is_still_importable(statement):
    subprocess.run([sys.executable, "-c", statement], check=True)


def test_lazy_attributes_resolve_to_the_real_objects():
    import pywebio_lite
    import pywebio_lite.platform
    from pywebio_lite.platform.server import start_server
    assert pywebio_lite.start_server is start_server
    assert pywebio_lite.platform.start_server is start_server
    from pywebio_lite.session import CoroutineBasedSession, session_class_for

    async def app():
        pass
    assert session_class_for(app) is CoroutineBasedSession
    import pywebio_lite.session
    assert "start_server" in dir(pywebio_lite) and "start_server" in dir(pywebio_lite.platform)
    assert {"CoroutineBasedSession", "TaskHandler"} <= set(dir(pywebio_lite.session))
    with pytest.raises(AttributeError):
        pywebio_lite.no_such_name
    with pytest.raises(AttributeError):
        pywebio_lite.platform.no_such_name
