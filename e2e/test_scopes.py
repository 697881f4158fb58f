"""Scopes as the user's guide describes them: use_scope, position, clear, nesting, output()."""
import asyncio

from playwright.sync_api import expect

from pywebio_lite.output import (clear, output, put_markdown, put_scope, put_table, put_text, remove,
                                 scroll_to, set_scope, use_scope)


def test_use_scope_enters_an_existing_scope(open_app):
    def app():
        with use_scope("scope1"):
            put_text("text1 in scope1")
        put_text("text in parent scope of scope1")
        with use_scope("scope1"):
            put_text("text2 in scope1")

    page = open_app(app)
    expect(page.get_by_text("text2 in scope1")).to_be_visible()
    expect(page.locator("#pywebio-scope-ROOT .pwl-text")).to_have_text(
        ["text1 in scope1", "text2 in scope1", "text in parent scope of scope1"])


def test_use_scope_clear_replaces_the_content(open_app):
    def app():
        with use_scope("scope2"):
            put_text("create scope2")
        put_text("text in parent scope of scope2")
        with use_scope("scope2", clear=True):
            put_text("text in scope2")

    page = open_app(app)
    expect(page.get_by_text("text in scope2")).to_be_visible()
    expect(page.get_by_text("create scope2")).to_have_count(0)
    expect(page.locator("#pywebio-scope-scope2 > *")).to_have_text(["text in scope2"])
    # the height kept while the scope was refilled is released at the end of the with-block
    expect(page.locator("#pywebio-scope-scope2")).to_have_attribute("style", "")


def test_use_scope_as_a_decorator_replaces_each_time(open_app):
    def app():
        @use_scope("time", clear=True)
        def show(n):
            put_text(f"call {n}")
        for n in range(1, 4):
            show(n)

    page = open_app(app)
    expect(page.locator("#pywebio-scope-time")).to_have_text("call 3")


def test_nested_scopes_layout(open_app):
    def app():
        with use_scope("A"):
            put_text("Text in scope A")
            with use_scope("B"):
                put_text("Text in scope B")
        with use_scope("C"):
            put_text("Text in scope C")

    page = open_app(app)
    expect(page.locator("#pywebio-scope-A #pywebio-scope-B")).to_have_text("Text in scope B")
    expect(page.locator("#pywebio-scope-ROOT > #pywebio-scope-C")).to_have_text("Text in scope C")
    assert page.locator("#pywebio-scope-ROOT > div").evaluate_all("els => els.map(e => e.id)") == [
        "pywebio-scope-A", "pywebio-scope-C"]


def test_scope_parameter_of_output_functions(open_app):
    def app():
        with use_scope("scope3"):
            put_text("text1 in scope3")
            put_text("text in ROOT scope", scope="ROOT")
        put_text("text2 in scope3", scope="scope3")
        with use_scope("inner"):
            put_text("to the parent by index", scope=-2)
            put_text("to ROOT by index", scope=0)

    page = open_app(app)
    expect(page.get_by_text("to ROOT by index")).to_be_visible()
    expect(page.locator("#pywebio-scope-scope3 > *")).to_have_text(["text1 in scope3", "text2 in scope3"])
    expect(page.locator("#pywebio-scope-ROOT > .pwl-text")).to_have_text(
        ["text in ROOT scope", "to the parent by index", "to ROOT by index"])


def test_position_gives_b_d_c_a(open_app):
    def app():
        with use_scope("scope1"):
            put_text("A")
            put_text("B", position=0)   # insert B before A -> B A
            put_text("C", position=-2)  # insert C after B -> B C A
            put_text("D", position=1)   # insert D before C B -> B D C A

    page = open_app(app)
    expect(page.locator("#pywebio-scope-scope1 > *")).to_have_text(["B", "D", "C", "A"])


def test_positions_beyond_the_ends(open_app):
    def app():
        with use_scope("s"):
            put_text("x")
            put_text("first", position=-10)   # before the first -> prepend
            put_text("last", position=99)     # fewer children -> append
            put_text("top", position=0)

    page = open_app(app)
    expect(page.locator("#pywebio-scope-s > *")).to_have_text(["top", "first", "x", "last"])


def test_clear_remove_and_set_scope(open_app):
    def app():
        put_scope("box", [put_text("one"), put_text("two")])
        put_scope("gone", put_text("soon removed"))
        set_scope("made", position=0)
        put_text("in made", scope="made")
        set_scope("made", if_exist="clear")
        put_text("again", scope="made")
        clear("box")
        put_text("cleared and refilled", scope="box")
        remove("gone")
        put_text("done")

    page = open_app(app)
    expect(page.get_by_text("done")).to_be_visible()
    expect(page.locator("#pywebio-scope-box")).to_have_text("cleared and refilled")
    expect(page.locator("#pywebio-scope-gone")).to_have_count(0)
    expect(page.locator("#pywebio-scope-ROOT > :first-child")).to_have_id("pywebio-scope-made")
    expect(page.locator("#pywebio-scope-made")).to_have_text("again")


def test_scroll_to(open_app):
    def app():
        for i in range(150):
            put_text(f"filler {i}")
        put_scope("target", put_text("the target"))
        for i in range(150):
            put_text(f"more {i}")
        scroll_to("target", position="middle")

    page = open_app(app)
    expect(page.get_by_text("the target")).to_be_in_viewport()


def test_output_reset_append_insert(open_app):
    def app():
        hobby = output("Coding")
        put_table([["Name", "Hobbies"], ["Wang", hobby]])
        hobby.reset("Movie")
        hobby.append("Music", put_text("Drama"))
        hobby.insert(0, put_markdown("**Coding**"))
        hobby.insert(-1, put_text("after the last"))

    page = open_app(app)
    cell = page.get_by_role("cell").filter(has_text="Movie")
    expect(cell.locator("[id^=pywebio-scope-output-] > *")).to_have_text(
        ["Coding", "Movie", "Music", "Drama", "after the last"])
    expect(cell.locator("strong")).to_have_text("Coding")


def test_use_scope_in_a_coroutine_app(open_app):
    async def app():
        @use_scope("clock", clear=True)
        async def tick(n):
            await asyncio.sleep(0)
            put_text(f"tick {n}")
        for n in range(3):
            await tick(n)
        with use_scope("clock"):
            put_text("appended", position=0)
        await asyncio.sleep(0)

    page = open_app(app)
    expect(page.locator("#pywebio-scope-clock > *")).to_have_text(["appended", "tick 2"])
    expect(page.get_by_text("Session ended")).to_be_visible()
