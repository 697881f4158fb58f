"""Session tests (no browser) for PyWebIO 1.8.4 behaviour that existing apps rely on (issue 12):
a numeric-string initial value of NUMBER/FLOAT inputs, run_async handles that are closed at once,
and output() placeholders that go to the current scope when shown or dropped.
"""

import asyncio

import pytest

from pywebio_lite.input import FLOAT, NUMBER, input
from pywebio_lite.output import output, put_table, put_text, use_scope
from pywebio_lite.session import run_async
from pywebio_lite.testing import AppClient


def run_app(app):
    client = AppClient(app).start()
    client.wait_closed()
    client.close()
    return client


class TestNumericStringValue:
    @pytest.mark.parametrize("kind,value,sent", [
        (NUMBER, "42", 42), (NUMBER, " 7 ", 7), (NUMBER, "-3", -3), (NUMBER, 5, 5),
        (FLOAT, "2.5", 2.5), (FLOAT, "3", 3.0), (FLOAT, 1.25, 1.25), (NUMBER, "2.5", 2.5)])
    def test_numeric_string_is_the_initial_value(self, kind, value, sent):
        def main():
            put_text(repr(input("n", type=kind, value=value)))
        with AppClient(main) as c:
            item = c.wait_for("input_group")["spec"]["inputs"][0]
            assert item["value"] == sent and type(item["value"]) is type(sent)

    @pytest.mark.parametrize("kind,value,error", [
        (NUMBER, "forty-two", ValueError), (FLOAT, "", ValueError), (FLOAT, "nan", ValueError),
        (NUMBER, "inf", ValueError), (NUMBER, True, TypeError), (FLOAT, [1], TypeError)])
    def test_a_non_number_is_refused_naming_the_value(self, kind, value, error):
        box = {}

        def main():
            try:
                input("n", type=kind, value=value)
            except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
                box["exc"] = exc
        run_app(main)
        assert isinstance(box["exc"], error) and "value" in str(box["exc"])


class TestRunAsyncClose:
    def test_closed_is_true_at_once_after_close(self):
        box = {}

        async def forever():
            await asyncio.sleep(3600)

        async def main():
            handle = run_async(forever())
            await asyncio.sleep(0)
            box["before"] = handle.closed()
            handle.close()
            box["after"] = handle.closed()
        run_app(main)
        assert box == {"before": False, "after": True}

    def test_close_before_the_task_started(self):
        box = {}

        async def forever():
            await asyncio.sleep(3600)

        async def main():
            handle = run_async(forever())
            handle.close()
            box["closed"] = handle.closed()
        run_app(main)
        assert box["closed"] is True

    def test_a_coroutine_that_swallows_the_cancellation_is_still_closed(self):
        box = {}
        done = asyncio.Event()

        async def stubborn():
            try:
                await asyncio.sleep(3600)
            except asyncio.CancelledError:
                pass  # swallowed: the coroutine goes on
            await done.wait()

        async def main():
            handle = run_async(stubborn())
            await asyncio.sleep(0)
            handle.close()
            for _ in range(3):
                await asyncio.sleep(0)
            box["closed"] = handle.closed()
            done.set()
        run_app(main)
        assert box["closed"] is True


class TestOutputPlaceholder:
    def test_show_puts_it_at_the_bottom_of_the_current_scope(self):
        def main():
            put_text("first")
            with use_scope("box"):
                out = output(put_text("inside"))
                out.show()
                out.append(put_text("later"))
        c = run_app(main)
        placeholder = next(s for s in c.outputs() if s["type"] == "scope" and s["name"].startswith("output-"))
        assert placeholder["scope"] == "box" and "position" not in placeholder
        assert placeholder["contents"] == [{"type": "text", "content": "inside"}]
        later = next(s for s in c.outputs() if s.get("content") == "later")
        assert later["scope"] == placeholder["name"]
        assert sum(1 for s in c.outputs() if s is placeholder or s == placeholder) == 1

    def test_dropped_as_a_statement_it_is_shown(self):
        def main():
            output(put_text("dropped"))
            put_text("after")
        c = run_app(main)
        kinds = [(s["type"], s.get("scope")) for s in c.outputs()]
        assert kinds == [("scope", "ROOT"), ("text", "ROOT")]
        assert c.outputs()[0]["contents"] == [{"type": "text", "content": "dropped"}]

    def test_embedded_it_is_not_sent_on_its_own(self):
        def main():
            hobby = output("Coding")
            put_table([["Hobby"], [hobby]])
        c = run_app(main)
        assert [s["type"] for s in c.outputs()] == ["table"]
        assert "scope" not in c.outputs()[0]["rows"][1][0]


class TestThemesAndLanguages:
    @pytest.mark.parametrize("theme,attr,cls", [
        ("default", "auto", ""), ("dark", "dark", "webio-theme-dark"), ("sketchy", "sketchy", "webio-theme-sketchy"),
        ("minty", "minty", "webio-theme-minty"), ("yeti", "yeti", "webio-theme-yeti")])
    def test_theme_on_the_page(self, theme, attr, cls):
        from pywebio_lite.platform.page import config, render_page

        @config(theme=theme)
        def app():
            pass
        html = render_page(app, base_url="/")
        assert f'data-theme="{attr}"' in html
        assert f'<body class="{cls}"' in html

    def test_pywebio_theme_overrides_and_an_unknown_one_is_refused(self, monkeypatch):
        from pywebio_lite.platform.page import config, render_page

        @config(theme="dark")
        def app():
            pass
        monkeypatch.setenv("PYWEBIO_THEME", "minty")
        assert 'data-theme="minty"' in render_page(app, base_url="/")
        monkeypatch.setenv("PYWEBIO_THEME", "neon")
        with pytest.raises(RuntimeError, match="neon"):
            render_page(app, base_url="/")

    def test_config_language(self):
        from pywebio_lite.platform.page import config, render_page

        @config(language="de")
        def app():
            pass
        html = render_page(app, base_url="/")
        assert '<html lang="de"' in html and "&quot;language&quot;: &quot;de&quot;" in html
        with pytest.raises(ValueError, match="language"):
            config(language="de_DE")
        with pytest.raises(TypeError, match="language"):
            config(language=7)

    def test_server_messages_in_the_session_language(self):
        from pywebio_lite.i18n import translate
        from pywebio_lite.session import set_env

        box = {}

        def main():
            from pywebio_lite.session import get_current_session
            session = get_current_session()
            box["browser"] = translate(session, "Please enter a number")
            set_env(language="fr-CA")
            box["chosen"] = translate(session, "Please enter a number")
            box["other"] = translate(session, "some app text")
            with pytest.raises(ValueError, match="language"):
                set_env(language="not a tag")
        client = AppClient(main, session_info={"user_language": "zh-CN"}).start()
        client.wait_closed()
        client.close()
        assert box == {"browser": "请输入数字", "chosen": "Veuillez saisir un nombre", "other": "some app text"}
        env = next(c for c in client.commands if c["command"] == "set_env")
        assert env["spec"] == {"language": "fr-CA"}


class TestSearchableSelectSpec:
    def test_native_false_reaches_the_browser_and_the_default_adds_nothing(self):
        from pywebio_lite.input import input_group, select

        def main():
            input_group("g", [select("a", ["x", "y"], name="a", native=False),
                              select("b", ["x", "y"], name="b"),
                              select("c", ["x", "y"], name="c", multiple=True, native=False)])
        with AppClient(main) as c:
            inputs = c.wait_for("input_group")["spec"]["inputs"]
            assert [i.get("native", "absent") for i in inputs] == [False, "absent", False]
            c.submit(c.wait_for("input_group"), {"a": 1, "b": 0, "c": [0, 1]})
            c.wait_for("destroy_form")


class TestDemoPatterns:
    """Calls PyWebIO's own demos make (its theme demo), which must work unchanged."""

    def test_scrollable_without_a_height_limit(self):
        from pywebio_lite.output import put_scrollable

        def main():
            with put_scrollable(border=False, height=None):
                put_text("inside")
            put_scrollable("x", height=(None, 200))
        c = run_app(main)
        box, inside, other = c.outputs()
        assert box["type"] == "scrollable" and "min_height" not in box and "max_height" not in box
        assert inside["scope"] == box["container"]
        assert "min_height" not in other and other["max_height"] == 200
        with pytest.raises(TypeError, match="height"):
            run_app_raising(lambda: put_scrollable("x", height="tall"))


def run_app_raising(body):
    """Run `body` in a session and re-raise what it raised."""
    box = {}

    def main():
        try:
            body()
        except Exception as exc:  # noqa: BLE001 - handed to the test
            box["exc"] = exc
    run_app(main)
    if "exc" in box:
        raise box["exc"]
