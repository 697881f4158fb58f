"""Hostile input, without a browser: crafted numbers, refused pin values, guessable ids, dotfiles,
the Host check (DNS rebinding) and script URLs in links and images (docs/security.md)."""
import asyncio
import logging
import re
import threading

import pytest

from pywebio_lite.markdown.sanitize import is_script_url
from pywebio_lite.input import FLOAT, NUMBER, input, slider
from pywebio_lite.output import put_image, put_link, put_markdown, put_text, trusted_url
from pywebio_lite.pin import pin_on_change, pin_wait_change, put_input, put_slider
from pywebio_lite.platform.server import WebIOApp
from pywebio_lite.protocol.http import Headers, Request
from pywebio_lite.server import host_allowed, resolve_static
from pywebio_lite.session import register_thread
from pywebio_lite.testing import AppClient


def form(client, after=0):
    return client.wait_for("input_group", after=after)


def refused(client, name="data"):
    return [c for c in client.commands if c["command"] == "update_input"
            and c["spec"]["target_name"] == name and c["spec"]["attributes"].get("valid_status") is False]


# ============================================================================ numbers
class TestCraftedNumbers:
    """JSON lets a crafted frame carry NaN and ±Infinity (Python's json reads them); a browser
    never sends them, so the field refuses them and the app never sees one."""

    @pytest.mark.parametrize("make", [lambda: input("f", type=FLOAT), lambda: input("n", type=NUMBER),
                                      lambda: slider("s", value=0.5, max_value=10.0),
                                      lambda: slider("s", max_value=10)])
    @pytest.mark.parametrize("raw", [float("nan"), float("inf"), float("-inf")])
    def test_refused_and_form_stays(self, make, raw, caplog):
        box = []

        def main():
            box.append(make())
            put_text(repr(box[-1]))
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                c.submit(f, {"data": raw})
                c.wait_until(lambda: refused(c))
                assert box == []
                c.submit(f, {"data": 3})  # a real value still goes through
                c.wait_for("output", lambda s: s.get("content") in ("3", "3.0"))
        assert "refused" in caplog.text

    def test_raw_frame_with_nan_tokens(self):
        def main():
            put_text(repr(input("f", type=FLOAT)))
        with AppClient(main) as c:
            f = form(c)
            fid, tid = f["spec"]["form_id"], f["task_id"]
            for token in ("NaN", "Infinity", "-Infinity", "1e999"):
                c.send_frame('{"events": [{"event": "from_submit", "task_id": "%s", "form": "%s", '
                             '"data": {"data": %s}}]}' % (tid, fid, token))
            c.wait_until(lambda: len(refused(c)) == 4)
            c.submit(f, {"data": 2.5})
            c.wait_for("output", lambda s: s.get("content") == "2.5")


# ============================================================================ pins
class TestRefusedPinValue:
    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_pin_on_change_is_not_called(self, kind, caplog):
        seen = []

        def sync_main():
            put_input("n", type=FLOAT)
            put_slider("s", max_value=10)
            pin_on_change("n", onchange=seen.append)
            pin_on_change("s", onchange=seen.append)

        async def async_main():
            sync_main()
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(sync_main if kind == "thread" else async_main) as c:
                c.wait_until(lambda: len([x for x in c.commands if x["command"] == "pin_onchange"]) == 2)
                n_cb, s_cb = [x["spec"]["callback_id"] for x in c.commands if x["command"] == "pin_onchange"]
                for bad in ("text", float("nan"), float("inf"), [1]):
                    c.send("callback", n_cb, {"value": bad})
                c.send("callback", s_cb, {"value": 99})  # out of range
                c.send("callback", n_cb, {"value": 1.5})
                c.send("callback", s_cb, {"value": 4})
                c.wait_until(lambda: len(seen) == 2)
                # Thread callbacks run concurrently: wait until every refusal has been decided.
                c.wait_until(lambda: caplog.text.count("refused the value of pin") == 5)
        assert sorted(seen) == [1.5, 4]


# ============================================================================ ids
_ADDRESS = re.compile(r"\d{6,}")


class TestTaskIds:
    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_random_and_no_memory_address(self, kind):
        def sync_main():
            input("a")
            t = threading.Thread(target=lambda: input("b"))
            register_thread(t)
            t.start()
            t.join()

        async def async_main():
            await input("a")
            await input("b")
        ids = []
        for _ in range(2):
            with AppClient(sync_main if kind == "thread" else async_main) as c:
                f = form(c)
                c.submit(f, {"data": "x"})
                g = c.wait_for("input_group", lambda s: s["form_id"] != f["spec"]["form_id"])
                ids += [f["task_id"], g["task_id"]]
                c.submit(g, {"data": "y"})
                c.wait_closed()  # the app ends by itself (no thread left waiting)
        assert len(set(ids)) == (4 if kind == "thread" else 2)  # a coroutine app is one task
        for task_id in ids:
            assert re.fullmatch(r"[\w<>.]+-[0-9a-f]{16}", task_id), task_id
            assert not _ADDRESS.search(task_id.rpartition("-")[0]), task_id
        thread_addresses = {str(id(t)) for t in threading.enumerate()}
        assert not any(a in task_id for a in thread_addresses for task_id in ids)


# ============================================================================ static files
class TestDotfiles:
    @pytest.fixture
    def tree(self, tmp_path):
        (tmp_path / ".env").write_text("SECRET=1")
        (tmp_path / ".git").mkdir()
        (tmp_path / ".git" / "config").write_text("[core]")
        (tmp_path / "css").mkdir()
        (tmp_path / "css" / ".hidden.css").write_text("x")
        (tmp_path / "css" / "site.css").write_text("body{}")
        (tmp_path / "a.b.txt").write_text("ok")
        return tmp_path

    @pytest.mark.parametrize("rel", [".env", ".git/config", "css/.hidden.css", ".git", "css/../.env"])
    def test_not_served(self, tree, rel):
        assert resolve_static(tree, rel) is None

    @pytest.mark.parametrize("rel", ["css/site.css", "a.b.txt"])
    def test_other_files_are(self, tree, rel):
        assert resolve_static(tree, rel) is not None

    def test_through_the_app(self, tree):
        app = WebIOApp(lambda: None, static_dir=str(tree))
        assert asyncio.run(app.handle_request(_request("/static/css/site.css"))).status == 200
        for path in ("/static/.env", "/static/.git/config", "/static/css/.hidden.css"):
            assert asyncio.run(app.handle_request(_request(path))).status == 404


# ============================================================================ Host header
def _request(target, headers=(("Host", "127.0.0.1:8080"),)):
    h = Headers()
    for name, value in headers:
        h.add(name, value)
    return Request("GET", target, "HTTP/1.1", h)


class TestAllowedHosts:
    @pytest.mark.parametrize("host", ["localhost", "localhost:8080", "LOCALHOST:1", "127.0.0.1:80",
                                      "[::1]:8080", "[::1]", "app.example.com", "a.b.example.com:443"])
    def test_allowed(self, host):
        assert host_allowed(host, ["localhost", "127.0.0.1", "[::1]", "*.example.com"])

    @pytest.mark.parametrize("host", [None, "", "evil.test", "evil.test:8080", "localhost.evil.test",
                                      "127.0.0.1.nip.io", "example.com", "[::2]:8080"])
    def test_refused(self, host):
        assert not host_allowed(host, ["localhost", "127.0.0.1", "[::1]", "*.example.com"])

    def test_patterns_are_not_globs(self):
        assert not host_allowed("l", ["[a-z]"]) and not host_allowed("ab", ["a?"])
        assert host_allowed("x.y", ["*"])

    def test_pattern_with_port(self):
        assert host_allowed("localhost:8080", ["localhost:8080"])
        assert not host_allowed("localhost:9090", ["localhost:8080"])

    def test_none_allows_every_host(self):
        assert host_allowed("anything", None) and host_allowed(None, None)

    def test_dns_rebinding_refused_for_page_and_websocket(self):
        app = WebIOApp(lambda: None, allowed_hosts=["127.0.0.1", "localhost"])
        rebound = [("Host", "evil.test:8080"), ("Origin", "http://evil.test:8080")]
        page = asyncio.run(app.handle_request(_request("/", rebound)))
        assert page.status == 400 and b"Host" in page.body
        assert app.handle_websocket(_request("/", rebound)).status == 400
        ok = asyncio.run(app.handle_request(_request("/", [("Host", "localhost:8080")])))
        assert ok.status == 200
        ws = app.handle_websocket(_request("/", [("Host", "localhost:8080"), ("Origin", "http://localhost:8080")]))
        assert hasattr(ws, "on_open")

    def test_without_allowed_hosts_the_same_origin_rule_lets_rebinding_through(self):
        # What allowed_hosts is for: Origin and Host agree in a rebinding attack.
        app = WebIOApp(lambda: None)
        rebound = [("Host", "evil.test:8080"), ("Origin", "http://evil.test:8080")]
        assert hasattr(app.handle_websocket(_request("/", rebound)), "on_open")

    @pytest.mark.parametrize("bad", ["localhost", [1], [""], 5])
    def test_bad_argument(self, bad):
        with pytest.raises(TypeError, match="allowed_hosts"):
            WebIOApp(lambda: None, allowed_hosts=bad)


# ============================================================================ script URLs
SCRIPT_URLS = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " JaVa\tScript:alert(1)",
               "\x01javascript:alert(1)", "java\nscript:alert(1)", "javascript&colon;alert(1)",
               "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "jav&#x09;ascript:alert(1)",
               "vbscript:msgbox(1)", "VBScript:x", "data:text/html,<script>alert(1)</script>",
               "DATA:text/html;base64,PHNjcmlwdD4=", " data:TEXT/HTML,x", "data:image/svg+xml,<svg onload=alert(1)>",
               "data:application/xhtml+xml,x", "javascript%3Aalert(1)", "\u200bjavascript:alert(1)"]
SAFE_URLS = ["https://example.com/a?b=1#c", "http://x", "/static/a.png", "page.html", "?app=x", "#top",
             "mailto:a@b.c", "tel:+1", "data:image/png;base64,iVBOR", "", "//cdn.example.com/x.js",
             "./javascript:is-a-path", "a/javascript:b"]


class TestScriptUrls:
    @pytest.mark.parametrize("url", SCRIPT_URLS)
    def test_detected(self, url):
        assert is_script_url(url)

    @pytest.mark.parametrize("url", SAFE_URLS)
    def test_ordinary_urls_pass(self, url):
        assert not is_script_url(url)

    @pytest.mark.parametrize("url", SCRIPT_URLS[:6] + SCRIPT_URLS[9:12])
    def test_put_link_neutralised(self, url, caplog):
        def main():
            put_link("click me", url=url)
            put_image(url, title="img")
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                link = c.wait_for("output", lambda s: s["type"] == "link")["spec"]
                image = c.wait_for("output", lambda s: s["type"] == "image")["spec"]
        assert link.get("url") is None and link["blocked"] is True and link["text"] == "click me"
        assert image.get("src") is None and image["blocked"] is True
        assert "script URL" in caplog.text

    def test_ordinary_link_and_image_unchanged(self):
        def main():
            put_link("home", url="https://example.com/")
            put_image(b"\x89PNG\r\n\x1a\nxxxx")
            put_image("/static/a.png")
        with AppClient(main) as c:
            link = c.wait_for("output", lambda s: s["type"] == "link")["spec"]
            c.wait_until(lambda: len([o for o in c.outputs() if o["type"] == "image"]) == 2)
            images = [o for o in c.outputs() if o["type"] == "image"]
        assert link["url"] == "https://example.com/" and "blocked" not in link
        assert images[0]["src"].startswith("data:image/png;base64,") and images[1]["src"] == "/static/a.png"
        assert not any("blocked" in i for i in images)

    def test_trusted_url_opts_in(self):
        def main():
            put_link("run", url=trusted_url("javascript:void(0)"))
            put_image(trusted_url("data:image/svg+xml,<svg/>"))
        with AppClient(main) as c:
            link = c.wait_for("output", lambda s: s["type"] == "link")["spec"]
            image = c.wait_for("output", lambda s: s["type"] == "image")["spec"]
        assert link["url"] == "javascript:void(0)" and link["trusted"] is True
        assert image["src"] == "data:image/svg+xml,<svg/>" and image["trusted"] is True

    def test_trusted_url_needs_a_str(self):
        with pytest.raises(TypeError, match="url"):
            trusted_url(b"javascript:x")

    @pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVa\tScript:alert(1)", "&#106;avascript:alert(1)",
                                     "data:text/html,x", "vbscript:x"])
    def test_markdown_links_and_images(self, url):
        def main():
            put_markdown(f"[a]({url.replace(' ', '%20')}) ![i]({url}) <a href=\"{url}\">b</a>")
            put_markdown(f"[a]({url})", sanitize=False)
        with AppClient(main) as c:
            c.wait_until(lambda: len([o for o in c.outputs() if o["type"] == "markdown"]) == 2)
            safe, raw = [o["html"] for o in c.outputs() if o["type"] == "markdown"]
        for value in re.findall(r'(?:href|src)="([^"]*)"', safe):
            assert not is_script_url(value.replace("&amp;", "&")), value
        if "\t" not in url:  # (a tab ends a CommonMark link destination)
            assert "href=" in raw  # sanitize=False keeps what the author wrote


class TestRefusedPinWait:
    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_pin_wait_change_waits_on(self, kind):
        def sync_main():
            put_input("n", type=FLOAT)
            put_text(repr(pin_wait_change("n")))

        async def async_main():
            put_input("n", type=FLOAT)
            put_text(repr(await pin_wait_change("n")))
        with AppClient(sync_main if kind == "thread" else async_main) as c:
            first = c.wait_for("pin_wait")
            c.send("js_yield", first["task_id"], {"name": "n", "value": float("nan")})
            # Asked again: the refused value did not count.
            second = c.wait_for("pin_wait", after=c.commands.index(first) + 1)
            c.send("js_yield", second["task_id"], {"name": "n", "value": 2.5})
            c.wait_for("output", lambda s: s.get("content") == repr({"name": "n", "value": 2.5}))
        assert not any(o.get("content") == repr({"name": "n", "value": None}) for o in c.outputs())


def test_allowed_hosts_on_a_real_server(tmp_path):
    """start_server(allowed_hosts=...) end to end: the page, static files and the upgrade."""
    import http.client

    from pywebio_lite.platform.server import make_server

    (tmp_path / "a.txt").write_text("static")
    server = make_server(lambda: None, host="127.0.0.1", port=0, static_dir=str(tmp_path),
                         allowed_hosts=["localhost", "127.0.0.1"])
    host, port = server.start_in_thread()
    try:
        def get(path, host_header, extra=()):
            conn = http.client.HTTPConnection(host, port)
            conn.putrequest("GET", path, skip_host=True)
            conn.putheader("Host", host_header)
            for name, value in extra:
                conn.putheader(name, value)
            conn.endheaders()
            response = conn.getresponse()
            body = response.read()
            conn.close()
            return response.status, body
        upgrade = [("Connection", "Upgrade"), ("Upgrade", "websocket"), ("Sec-WebSocket-Version", "13"),
                   ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Origin", f"http://evil.test:{port}")]
        assert get("/", f"evil.test:{port}") == (400, b"Host not allowed")
        assert get("/static/a.txt", f"evil.test:{port}")[0] == 400
        assert get("/", f"evil.test:{port}", upgrade)[0] == 400
        assert get("/", f"localhost:{port}")[0] == 200
        assert get("/static/a.txt", f"127.0.0.1:{port}") == (200, b"static")
    finally:
        server.stop_thread()
