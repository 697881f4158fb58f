"""path_deploy without a browser: which URL serves which file, refused paths, loading and
reloading app files, index pages, the HTTP answers, and the command line."""

import os
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pywebio_lite.platform.app_files import AppDirectory, app_title
from pywebio_lite.platform.path_deploy import PathDeployApp, make_path_server
from pywebio_lite.protocol.http import Request

ROOT = Path(__file__).resolve().parent.parent


def write(path: Path, code: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(code), encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path):
    base = tmp_path / "apps"
    write(base / "hello.py", '''
        def main():
            """Say hello

            A longer description."""
    ''')
    write(base / "A" / "b.py", '''
        import helper           # the file's own folder is on sys.path while it loads
        VALUE = helper.VALUE
        def main():
            "Nested app"
    ''')
    write(base / "A" / "helper.py", "VALUE = 'from helper'\n")
    write(base / "withindex" / "index.py", 'def main():\n    "The folder app"\n')
    write(base / "_private.py", "def main(): pass\n")
    write(base / "_lib" / "tool.py", "def main(): pass\n")
    write(base / ".hidden" / "app.py", "def main(): pass\n")
    write(base / "broken.py", "def main(): pass\n1 / 0\n")
    write(base / "nomain.py", "x = 1\n")
    write(base / "multi.py", '''
        def first():
            "First app"
        def second():
            "Second app"
        main = [first, second]
    ''')
    outside = tmp_path / "outside"
    write(outside / "secret.py", "def main(): pass\n")
    os.symlink(outside, base / "link")
    os.symlink(outside / "secret.py", base / "linkfile.py")
    return base


class TestResolve:
    def test_a_file_is_served_at_its_path_without_py(self, tree):
        d = AppDirectory(tree)
        got = d.resolve("/hello")
        assert got.kind == "app" and got.apps["index"].__name__ == "main"

    def test_nested_paths_and_the_files_own_folder_on_sys_path(self, tree):
        d = AppDirectory(tree)
        got = d.resolve("/A/b")
        assert got.kind == "app"
        assert got.apps["index"].__globals__["VALUE"] == "from helper"
        assert got.apps["index"].__globals__["__name__"] == "__pywebio__"
        assert str(tree / "A") not in sys.path

    def test_main_as_a_list_of_apps(self, tree):
        got = AppDirectory(tree).resolve("/multi")
        assert set(got.apps) == {"first", "second", "index"}

    def test_a_folder_url_needs_its_slash(self, tree):
        got = AppDirectory(tree).resolve("/A")
        assert got.kind == "redirect" and got.location == "/A/"

    def test_a_folder_with_index_py_serves_it(self, tree):
        got = AppDirectory(tree).resolve("/withindex/")
        assert got.kind == "app" and got.apps["index"].__doc__ == "The folder app"

    def test_the_default_index_lists_apps_with_titles_and_folders(self, tree):
        got = AppDirectory(tree).resolve("/")
        assert got.kind == "index"
        page = got.html
        assert '<a href="hello">hello</a><span class="desc">Say hello</span>' in page
        assert '<a href="A/">A/</a>' in page and '<a href="withindex/">' in page
        assert '<a href="multi">' in page
        for hidden in ("_private", "_lib", ".hidden", "nomain", "link", "secret"):
            assert f'href="{hidden}' not in page
        assert "../" not in page  # the base has no parent to go to
        nested = AppDirectory(tree).resolve("/A/").html
        assert '<a href="../">../</a>' in nested and '<a href="b">b</a><span class="desc">Nested app</span>' in nested
        assert 'href="helper"' not in nested  # no main: not an app

    def test_index_false_refuses_folders(self, tree):
        got = AppDirectory(tree, index=False).resolve("/A/")
        assert got.kind == "error" and got.status == 403

    def test_a_custom_index_function_gets_the_folder_path(self, tree):
        seen = []
        d = AppDirectory(tree, index=lambda path: seen.append(path) or "<p>custom</p>")
        got = d.resolve("/A/")
        assert got.kind == "index" and got.html == "<p>custom</p>" and seen == [str(tree / "A")]

    def test_a_failing_index_function_is_an_error_page(self, tree):
        def index(path):
            raise RuntimeError("index broke")
        got = AppDirectory(tree, index=index).resolve("/")
        assert got.status == 500 and "index broke" not in got.html
        assert "index broke" in AppDirectory(tree, index=index, debug=True).resolve("/").html

    @pytest.mark.parametrize("path", [
        "/_private", "/_lib/tool", "/.hidden/app", "/A/../hello", "/../outside/secret", "/A/./b",
        "/link/secret", "/linkfile", "/link/", "/hello\x00", "/A\\b", "hello", "/A//b",
    ])
    def test_refused_paths(self, tree, path):
        got = AppDirectory(tree).resolve(path)
        assert got.kind == "error" and got.status == 403, path

    @pytest.mark.parametrize("path", ["/missing", "/nomain", "/hello/", "/A/missing/"])
    def test_missing_apps_are_404(self, tree, path):
        got = AppDirectory(tree).resolve(path)
        assert got.kind == "error" and got.status == 404, path

    def test_a_broken_file_shows_its_error_and_the_others_still_load(self, tree):
        d = AppDirectory(tree)
        got = d.resolve("/broken")
        assert got.status == 500 and "could not be loaded" in got.html
        assert "ZeroDivisionError" not in got.html  # tracebacks only with debug
        assert d.resolve("/hello").kind == "app"
        debug = AppDirectory(tree, debug=True).resolve("/broken")
        assert "ZeroDivisionError" in debug.html and "&lt;module&gt;" in debug.html  # escaped

    def test_a_file_calling_exit_does_not_stop_the_server(self, tree):
        write(tree / "exits.py", "import sys\nsys.exit(3)\n")
        assert AppDirectory(tree).resolve("/exits").status == 500

    def test_modules_are_cached_until_reload(self, tree):
        write(tree / "v.py", "N = 1\ndef main(): pass\n")
        d = AppDirectory(tree)
        assert d.resolve("/v").apps["index"].__globals__["N"] == 1
        write(tree / "v.py", "N = 2\ndef main(): pass\n")
        bump_mtime(tree / "v.py")
        assert d.resolve("/v").apps["index"].__globals__["N"] == 1
        assert d.resolve("/v", reload=True).apps["index"].__globals__["N"] == 2

    def test_debug_reloads_changed_files(self, tree):
        write(tree / "v.py", "N = 1\ndef main(): pass\n")
        d = AppDirectory(tree, debug=True)
        assert d.resolve("/v").apps["index"].__globals__["N"] == 1
        write(tree / "v.py", "N = 2\ndef main(): pass\n")
        bump_mtime(tree / "v.py")
        assert d.resolve("/v").apps["index"].__globals__["N"] == 2

    def test_a_fixed_broken_file_loads_again(self, tree):
        d = AppDirectory(tree)
        assert d.resolve("/broken").status == 500
        write(tree / "broken.py", "def main(): pass\n")
        bump_mtime(tree / "broken.py")
        assert d.resolve("/broken").kind == "app"

    def test_bad_arguments(self, tree):
        with pytest.raises(TypeError, match="base"):
            AppDirectory(42)
        with pytest.raises(ValueError, match="base"):
            AppDirectory(tree / "no-such-dir")
        with pytest.raises(TypeError, match="index"):
            AppDirectory(tree, index="yes")


def bump_mtime(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_app_title_reads_without_running(tmp_path):
    f = write(tmp_path / "x.py", 'raise SystemExit\ndef main():\n    """Title line\n    continued\n\n    more"""\n')
    assert app_title(f) == "Title line continued"
    assert app_title(write(tmp_path / "y.py", "def other(): pass\n")) is None
    assert app_title(write(tmp_path / "z.py", "def main(:\n")) is None


class TestHttp:
    """The app object's answers, through the real server."""

    @pytest.fixture
    def base_url(self, tree):
        server = make_path_server(tree, host="127.0.0.1", port=0)
        host, port = server.start_in_thread()
        yield f"http://{host}:{port}"
        server.stop_thread()

    def get(self, url):
        try:
            with urllib.request.urlopen(url) as r:
                return r.status, r.read().decode(), r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers

    def test_app_page_index_and_static(self, base_url):
        status, body, headers = self.get(base_url + "/A/b")
        assert status == 200 and "/_pywebio_lite/js/main.js" in body and "<title>Nested app</title>" in body
        status, body, _ = self.get(base_url + "/")
        assert status == 200 and "Index of /" in body
        status, _, _ = self.get(base_url + "/_pywebio_lite/js/main.js")
        assert status == 200

    def test_percent_encoded_traversal_is_refused(self, base_url):
        for raw in ("/%2e%2e/outside/secret", "/A%2f..%2fhello", "/%5fprivate", "/link%2fsecret"):
            status, body, _ = self.get(base_url + raw)
            assert status == 403, raw
            assert "secret" not in body

    def test_a_folder_without_slash_redirects_keeping_the_query(self, base_url):
        req = urllib.request.Request(base_url + "/A?x=1")
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as info:
            opener.open(req)
        assert info.value.code == 301 and info.value.headers["Location"] == "/A/?x=1"

    def test_the_app_of_main_list_is_chosen_with_app(self, base_url):
        status, body, _ = self.get(base_url + "/multi?app=second")
        assert status == 200 and "<title>Second app</title>" in body

    def test_websocket_upgrade_to_a_refused_path_is_refused(self, tree):
        app = PathDeployApp(tree)
        for path, status in (("/_private", 403), ("/missing", 404), ("/A/", 404)):
            req = Request("GET", path, headers=None)
            response = app.connection_for(req)
            assert response.status == status, path

    def test_websocket_to_an_app_gets_a_connection(self, tree):
        app = PathDeployApp(tree)
        handler = app.connection_for(Request("GET", "/hello?app=index"))
        assert handler.app.__name__ == "main"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class TestCommandLine:
    def run(self, *args, **kwargs):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        return subprocess.run([sys.executable, "-m", "pywebio_lite.platform.path_deploy", *args],
                              capture_output=True, text=True, env=env, **kwargs)

    def test_help_explains_the_options(self):
        proc = self.run("--help")
        assert proc.returncode == 0
        for option in ("--port", "--host", "--debug", "--cdn", "--static-dir", "--reconnect-timeout",
                       "--max-payload-size", "--no-index", "--http"):
            assert option in proc.stdout
        assert "'_' or '.'" in proc.stdout

    def test_a_missing_directory_is_a_clear_error(self, tmp_path):
        proc = self.run(str(tmp_path / "nope"), "--port", "0")
        assert proc.returncode == 2 and "base must be an existing directory" in proc.stderr

    def test_a_bad_option_value_is_refused(self, tree):
        proc = self.run(str(tree), "--port", "eighty")
        assert proc.returncode == 2 and "--port" in proc.stderr

    @pytest.mark.parametrize("extra", [[], ["--http"]])
    def test_it_serves_the_directory(self, tree, extra):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        proc = subprocess.Popen([sys.executable, "-m", "pywebio_lite.platform.path_deploy", str(tree),
                                 "--port", "0", "--host", "127.0.0.1", "--debug", *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            line = proc.stdout.readline()
            assert line.startswith("Running on http://127.0.0.1:"), line
            url = line.split()[2]
            with urllib.request.urlopen(url) as r:
                assert "Index of /" in r.read().decode()
            with urllib.request.urlopen(url + "hello") as r:
                protocol = "http" if extra else "ws"
                assert f"&quot;protocol&quot;: &quot;{protocol}&quot;" in r.read().decode()
            if extra:  # a session over long-polling (docs/protocol.md §9), at the app's own URL
                opened = urllib.request.Request(url + "hello?session=NEW", data=b"", method="POST")
                with urllib.request.urlopen(opened) as r:
                    assert r.headers["Content-Type"] == "application/x-ndjson"
                    assert r.read().startswith(b'{"hello"')
                nowhere = urllib.request.Request(url + "nothing-here?session=NEW", data=b"", method="POST")
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(nowhere)
                assert refused.value.code == 404
        finally:
            proc.terminate()
            out, err = proc.communicate()
        assert proc.returncode == 0

    def test_the_console_script_is_installed(self):
        script = Path(sys.executable).with_name("pywebio-lite-path-deploy")
        assert script.exists()
        proc = subprocess.run([str(script), "--help"], capture_output=True, text=True)
        assert proc.returncode == 0 and "usage: pywebio-lite-path-deploy" in proc.stdout


def test_path_deploy_is_exported_and_lazy():
    code = ("import sys, pywebio_lite.platform as p\n"
            "print('pywebio_lite.platform.path_deploy' in sys.modules)\n"
            "print(p.path_deploy.__name__, p.path_deploy_http.__name__)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert proc.stdout.split() == ["False", "path_deploy", "path_deploy_http"]


def test_path_deploy_after_script_mode_raises():
    from pywebio_lite.output import put_text
    from pywebio_lite.platform.path_deploy import path_deploy
    from pywebio_lite.testing import ScriptModeClient
    import threading
    with ScriptModeClient():
        t = threading.Thread(target=lambda: put_text("x"))
        t.start()
        t.join()
        with pytest.raises(RuntimeError, match="Already in script mode"):
            path_deploy(".", port=0)
