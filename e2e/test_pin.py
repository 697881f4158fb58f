"""Pins: every put_xxx widget, pin.x reads and writes, pin_update, pin_wait_change (with and without
a timeout), pin_on_change (init_run, stacking, clear), get_pin_values and same-name replacement."""
import asyncio
import threading

from playwright.sync_api import expect

from pywebio_lite.output import put_buttons, put_text, use_scope
from pywebio_lite.pin import (get_pin_values, pin, pin_on_change, pin_update, pin_wait_change, put_actions,
                              put_checkbox, put_file_upload, put_input, put_radio, put_select, put_slider,
                              put_textarea)
from pywebio_lite.session import hold


def all_pins():
    put_input("name", label="Name", placeholder="Your name", help_text="First name is enough")
    put_input("age", "number", label="Age", value=30)
    put_input("score", "float", label="Score")
    put_textarea("bio", label="About you", rows=3, value="Hi")
    put_select("color", [("Red", (255, 0, 0)), ("Green", (0, 255, 0))], label="Colour", value=(0, 255, 0))
    put_select("langs", ["py", "js", "go"], label="Languages", multiple=True)
    put_checkbox("extras", ["cheese", "ham"], label="Extras", inline=True, value=["ham"])
    put_radio("size", ["S", "M", "L"], label="Size")
    put_slider("level", label="Level", value=5, max_value=10)
    put_actions("vote", label="Vote", buttons=[("Up", 1), ("Down", -1)])
    put_file_upload("doc", label="Document")


NAMES = ["name", "age", "score", "bio", "color", "langs", "extras", "size", "level", "vote", "doc"]


class TestWidgets:
    def test_every_pin_widget_is_labelled_and_read_back(self, open_app):
        def read(_):
            values = get_pin_values(NAMES)
            put_text(" | ".join(f"{k}={values[k]!r}" for k in NAMES))

        def app():
            all_pins()
            put_buttons(["Read"], onclick=read)

        page = open_app(app)
        for label in ["Name", "Age", "Score", "About you", "Colour", "Languages", "Level", "Document"]:
            expect(page.get_by_label(label, exact=True)).to_be_visible()
        for group in ["Extras", "Size", "Vote"]:
            expect(page.get_by_role("group", name=group)).to_be_visible()
        expect(page.get_by_label("Name")).to_have_accessible_description("First name is enough")
        page.get_by_role("button", name="Read").click()
        expect(page.get_by_text(
            "name='' | age=30 | score=None | bio='Hi' | color=(0, 255, 0) | langs=[] | extras=['ham'] | "
            "size=None | level=5 | vote=None | doc=None")).to_be_visible()

        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Age", exact=True).fill("36")
        page.get_by_label("Score").fill("9.5")
        page.get_by_label("About you").fill("Math\nPoetry")
        page.get_by_label("Colour").select_option("Red")
        page.get_by_label("Languages").select_option(["py", "go"])
        page.get_by_label("cheese").check()
        page.get_by_label("L", exact=True).check()
        page.get_by_label("Level").fill("8")
        page.get_by_role("button", name="Down").click()
        page.get_by_role("button", name="Read").click()
        expect(page.get_by_text(
            "name='Ada' | age=36 | score=9.5 | bio='Math\\nPoetry' | color=(255, 0, 0) | langs=['py', 'go'] | "
            "extras=['cheese', 'ham'] | size='L' | level=8 | vote=-1 | doc=None")).to_be_visible()

    def test_pin_attribute_read_and_write(self, open_app, app_kind):
        def body():
            put_input("greeting", label="Greeting", value="hi")
            put_select("pick", ["a", "b", "c"], label="Pick")
            value = yield pin.greeting
            put_text(f"read {value!r}")
            pin.greeting = "written by the app"
            pin["pick"] = "c"
            yield pin_wait_change("greeting")
            greeting = yield pin.greeting
            pick = yield pin["pick"]
            put_text(f"then {greeting!r} and {pick!r}")
            missing = yield pin.nope
            put_text(f"missing: {missing!r}")

        page = open_app(app_kind(body))
        expect(page.get_by_text("read 'hi'")).to_be_visible()
        expect(page.get_by_label("Greeting")).to_have_value("written by the app")
        expect(page.get_by_label("Pick")).to_have_value("2")
        page.get_by_label("Greeting").fill("typed")
        expect(page.get_by_text("then 'typed' and 'c'")).to_be_visible()
        expect(page.get_by_text("missing: None")).to_be_visible()

    def test_pin_update_changes_settings(self, open_app):
        step = threading.Event()

        def app():
            put_input("q", label="Query", placeholder="old placeholder")
            put_select("s", ["x", "y"], label="Options")
            put_buttons(["Update"], onclick=lambda _: step.set())
            step.wait()
            pin_update("q", label="Search", placeholder="new placeholder", help_text="Press Enter",
                       readonly=True, value="locked")
            pin_update("s", options=["one", "two", "three"], value="three")
            put_text(f"select now {pin.s!r}")

        page = open_app(app)
        page.get_by_role("button", name="Update").click()
        field = page.get_by_label("Search")
        expect(field).to_have_attribute("placeholder", "new placeholder")
        expect(field).to_have_accessible_description("Press Enter")
        expect(field).to_have_value("locked")
        expect(field).not_to_be_editable()
        expect(page.get_by_label("Options").get_by_role("option")).to_have_text(["one", "two", "three"])
        expect(page.get_by_text("select now 'three'")).to_be_visible()


class TestWait:
    def test_wait_change_returns_the_first_user_change(self, open_app, app_kind):
        def body():
            put_input("a", label="First")
            put_slider("b", label="Second", value=1, max_value=5)
            while True:
                changed = yield pin_wait_change("a", "b")
                put_text(f"{changed['name']} -> {changed['value']!r}")

        page = open_app(app_kind(body))
        page.get_by_label("First").press_sequentially("x")
        expect(page.get_by_text("a -> 'x'")).to_be_visible()
        page.get_by_label("Second").fill("4")
        expect(page.get_by_text("b -> 4")).to_be_visible()

    def test_a_change_between_two_waits_is_not_lost(self, open_app):
        import time

        def app():
            put_input("a", label="First")
            put_slider("b", label="Second", value=1, max_value=5)
            changed = pin_wait_change("a", "b")
            put_text(f"{changed['name']} -> {changed['value']!r}")
            time.sleep(0.5)  # the app is busy: the person's next change comes before its next wait
            changed = pin_wait_change("a", "b")
            put_text(f"then {changed['name']} -> {changed['value']!r}")

        page = open_app(app)
        page.get_by_label("First").press_sequentially("x")
        expect(page.get_by_text("a -> 'x'")).to_be_visible()
        page.get_by_label("Second").fill("4")
        expect(page.get_by_text("then b -> 4")).to_be_visible()

    def test_wait_change_timeout_gives_none(self, open_app, app_kind):
        def body():
            put_input("a", label="Type something")
            result = yield pin_wait_change(["a"], timeout=0.3)
            put_text(f"result: {result!r}")
            result = yield pin_wait_change(["a"], timeout=60)
            put_text(f"result: {result!r}")

        page = open_app(app_kind(body))
        expect(page.get_by_text("result: None")).to_be_visible()
        page.get_by_label("Type something").press_sequentially("k")
        expect(page.get_by_text("result: {'name': 'a', 'value': 'k'}")).to_be_visible()

    def test_changes_made_by_the_app_do_not_count(self, open_app):
        def app():
            put_input("a", label="Watched")
            put_buttons(["Set it"], onclick=lambda _: pin_update("a", value="by the app"))
            changed = pin_wait_change("a")
            put_text(f"user changed it to {changed['value']!r}")

        page = open_app(app)
        page.get_by_role("button", name="Set it").click()
        expect(page.get_by_label("Watched")).to_have_value("by the app")
        expect(page.get_by_text("user changed it")).to_have_count(0)
        page.get_by_label("Watched").fill("by hand")
        expect(page.get_by_text("user changed it to 'by hand'")).to_be_visible()


class TestOnChange:
    def test_callbacks_stack_and_can_be_cleared(self, open_app, app_kind):
        def body():
            put_radio("mood", ["happy", "sad"], label="Mood")
            pin_on_change("mood", lambda v: put_text(f"one: {v}"))
            pin_on_change("mood", lambda v: put_text(f"two: {v}"))
            def replace():
                pin_on_change("mood", lambda v: put_text(f"only: {v}"), clear=True)
                put_text("replaced")

            def stop():
                pin_on_change("mood", clear=True)
                put_text("stopped")

            put_buttons(["Replace", "Stop"], onclick=[replace, stop])
            yield None

        page = open_app(app_kind(body))
        page.get_by_label("happy").check()
        expect(page.get_by_text("one: happy")).to_be_visible()
        expect(page.get_by_text("two: happy")).to_be_visible()
        page.get_by_role("button", name="Replace").click()
        expect(page.get_by_text("replaced")).to_have_count(1)
        page.get_by_label("sad").check()
        expect(page.get_by_text("only: sad")).to_be_visible()
        expect(page.get_by_text("one: sad")).to_have_count(0)
        page.get_by_role("button", name="Stop").click()
        expect(page.get_by_text("stopped")).to_be_visible()
        page.get_by_label("happy").check()
        page.get_by_role("button", name="Replace").click()
        expect(page.get_by_text("replaced")).to_have_count(2)
        page.get_by_label("sad").check()
        expect(page.get_by_text("only: sad")).to_have_count(2)
        expect(page.get_by_text("only: happy")).to_have_count(0)

    def test_init_run_calls_it_at_once_with_the_current_value(self, open_app, app_kind):
        def body():
            put_slider("temp", label="Temperature", value=21, max_value=40)
            pin_on_change("temp", lambda v: put_text(f"temperature {v}"), init_run=True)
            yield None

        page = open_app(app_kind(body))
        expect(page.get_by_text("temperature 21")).to_be_visible()
        page.get_by_label("Temperature").fill("25")
        expect(page.get_by_text("temperature 25")).to_be_visible()

    def test_coroutine_callbacks(self, open_app):
        async def on_name(value):
            await asyncio.sleep(0)
            put_text(f"async saw {value}")

        async def app():
            put_input("name", label="Name")
            pin_on_change("name", on_name)
            await hold()

        page = open_app(app)
        page.get_by_label("Name").press_sequentially("ab")
        expect(page.get_by_text("async saw a", exact=True)).to_be_visible()
        expect(page.get_by_text("async saw ab")).to_be_visible()


class TestReplacement:
    def test_a_new_pin_with_the_same_name_replaces_the_old_one(self, open_app):
        step = threading.Event()

        def app():
            put_input("city", label="City", value="old")
            put_buttons(["Again"], onclick=lambda _: step.set())
            step.wait()
            put_input("city", label="New city", value="new")
            put_text(f"reads {pin.city!r}")

        page = open_app(app)
        page.get_by_role("button", name="Again").click()
        expect(page.get_by_text("reads 'new'")).to_be_visible()
        old = page.get_by_label("City", exact=True)
        expect(old).to_be_disabled()
        expect(page.get_by_text("This input was replaced by a newer one")).to_be_visible()
        expect(page.get_by_label("New city")).to_be_enabled()

    def test_a_pin_in_a_cleared_scope_is_gone(self, open_app):
        def app():
            with use_scope("box"):
                put_input("word", label="Word", value="here")
            put_text(f"before: {pin.word!r}")
            with use_scope("box", clear=True):
                put_text("cleared")
            put_text(f"after: {pin.word!r}")

        page = open_app(app)
        expect(page.get_by_text("before: 'here'")).to_be_visible()
        expect(page.get_by_text("after: None")).to_be_visible()
        expect(page.get_by_label("Word")).to_have_count(0)
