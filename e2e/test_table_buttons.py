"""put_table, put_buttons/put_button, onclick and style."""
import asyncio
import threading
from functools import partial

import pytest
from playwright.sync_api import expect

from pywebio_lite.output import (put_buttons, put_button, put_file, put_html, put_markdown, put_row,
                                 put_table, put_text, span, style)
from pywebio_lite.session import hold


def test_put_table_with_nested_outputs(open_app):
    def app():
        put_table([
            ["Type", "Content"],
            ["html", put_html("X<sup>2</sup>")],
            ["text", "<hr/>"],
            ["buttons", put_buttons(["A", "B"], onclick=lambda _: None)],
            ["markdown", put_markdown("`Awesome PyWebIO!`")],
            ["file", put_file("hello.text", b"hello world")],
            ["table", put_table([["A", "B"], ["C", "D"]])],
        ])

    page = open_app(app)
    table = page.get_by_role("table").first
    expect(table.locator(":scope > thead th")).to_have_text(["Type", "Content"])
    expect(table.locator(":scope > thead th").first).to_have_attribute("scope", "col")
    expect(table.get_by_role("cell", name="<hr/>")).to_be_visible()
    expect(table.locator("sup")).to_have_text("2")
    expect(table.get_by_role("button", name="A")).to_be_visible()
    expect(table.locator("code")).to_have_text("Awesome PyWebIO!")
    expect(table.get_by_role("button", name="hello.text")).to_be_visible()
    expect(page.get_by_role("table")).to_have_count(2)
    expect(page.get_by_role("table").nth(1).get_by_role("cell")).to_have_text(["C", "D"])


def test_put_table_spans(open_app):
    def app():
        put_table([
            ["Product", span("Price", col=2)],
            [span("Apple", row=2), "2023", "2024"],
            ["5.5", "6.0"],
        ])

    page = open_app(app)
    expect(page.get_by_role("columnheader", name="Price")).to_have_attribute("colspan", "2")
    expect(page.get_by_role("cell", name="Apple")).to_have_attribute("rowspan", "2")
    # the spanning cell covers both rows: "5.5" sits under "2023"
    x_2023 = page.get_by_role("cell", name="2023").bounding_box()["x"]
    assert page.get_by_role("cell", name="5.5").bounding_box()["x"] == x_2023


def test_put_table_dict_rows_and_header(open_app):
    def app():
        put_table([{"name": "Ada", "age": 36}], header=[("Name", "name"), ("Age", "age")])
        put_table([["1", "2"]], header=["one", "two"])

    page = open_app(app)
    expect(page.get_by_role("table").first.get_by_role("columnheader")).to_have_text(["Name", "Age"])
    expect(page.get_by_role("table").first.get_by_role("cell")).to_have_text(["Ada", "36"])
    expect(page.get_by_role("table").nth(1).get_by_role("columnheader")).to_have_text(["one", "two"])


def button_app():
    def edit_row(choice, row):
        put_text(f"You click {choice} button at row {row}")

    put_table([
        ["Idx", "Actions"],
        [1, put_buttons(["edit", "delete"], onclick=partial(edit_row, row=1))],
        [2, put_buttons(["edit", "delete"], onclick=partial(edit_row, row=2))],
    ])
    put_buttons(["A", "B", "C"], onclick=lambda value: put_text(f"You click {value} button"))
    put_button("Single", onclick=lambda: put_text(f"single clicked in {threading.current_thread().name}"))


async def async_button_app():
    async def later(value):
        await asyncio.sleep(0)
        put_text(f"You click {value} button")

    put_buttons(["A", "B", "C"], onclick=later)
    put_button("Single", onclick=lambda: put_text("single clicked"))


@pytest.mark.parametrize("app", [button_app, async_button_app], ids=["thread", "coroutine"])
def test_button_callbacks_append_text(open_app, app):
    page = open_app(app)
    page.get_by_role("button", name="B").click()
    expect(page.get_by_text("You click B button")).to_be_visible()
    page.get_by_role("button", name="C").click()
    expect(page.get_by_text("You click C button")).to_be_visible()
    page.get_by_role("button", name="Single").click()
    expect(page.get_by_text("single clicked")).to_be_visible()
    expect(page.get_by_text("Session ended")).to_be_hidden()  # callbacks keep the session


def test_buttons_in_table_rows(open_app):
    page = open_app(button_app)
    page.get_by_role("row", name="2").get_by_role("button", name="delete").click()
    expect(page.get_by_text("You click delete button at row 2")).to_be_visible()


def test_button_variants(open_app):
    def app():
        put_buttons([dict(label="Save", value=1, color="success"), dict(label="Off", value=2, disabled=True)],
                    onclick=lambda v: put_text(f"value {v}"))
        put_buttons(["Outline"], onclick=lambda v: None, outline=True, small=True)
        put_buttons(["Link"], onclick=lambda v: None, link_style=True)
        put_buttons(["L", "M", "R"], onclick=lambda v: None, group=True)
        hold()

    page = open_app(app)
    save = page.get_by_role("button", name="Save")
    expect(save).to_have_class("pwl-btn pwl-btn-solid pwl-c-success")
    expect(page.get_by_role("button", name="Off")).to_be_disabled()
    expect(page.get_by_role("button", name="Outline")).to_have_class("pwl-btn pwl-btn-outline pwl-c-primary pwl-btn-sm")
    expect(page.get_by_role("button", name="Link")).to_have_css("background-color", "rgba(0, 0, 0, 0)")
    group = page.get_by_role("group")
    expect(group.get_by_role("button")).to_have_text(["L", "M", "R"])
    left, middle = group.get_by_role("button").first.bounding_box(), group.get_by_role("button").nth(1).bounding_box()
    assert abs(left["x"] + left["width"] - 1 - middle["x"]) < 1  # joined: borders overlap
    save.click()
    expect(page.get_by_text("value 1")).to_be_visible()


def test_onclick_makes_any_output_a_button(open_app):
    def app():
        put_text("Click this text").onclick(lambda: put_text("text clicked"))
        put_markdown("**or this markdown**").onclick(lambda: put_text("markdown clicked"))

    page = open_app(app)
    text = page.get_by_role("button", name="Click this text")
    expect(text).to_have_attribute("tabindex", "0")
    expect(text).to_have_css("cursor", "pointer")
    text.click()
    expect(page.get_by_text("text clicked")).to_be_visible()
    page.get_by_role("button", name="or this markdown").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("markdown clicked")).to_be_visible()
    text.focus()
    page.keyboard.press(" ")
    expect(page.get_by_text("text clicked")).to_have_count(2)


def test_style(open_app):
    def app():
        put_text("hello").style("color: red; font-size: 20px")
        put_row([put_text("in a row").style("color: rgb(0, 128, 0)")]).style("margin-top: 20px")
        style(put_text("old style() api"), "font-weight: 700")
        put_table([["a"]]).style("font-size: 30px")

    page = open_app(app)
    hello = page.get_by_text("hello", exact=True)
    expect(hello).to_have_css("color", "rgb(255, 0, 0)")
    expect(hello).to_have_css("font-size", "20px")
    expect(page.get_by_text("in a row")).to_have_css("color", "rgb(0, 128, 0)")
    expect(page.locator(".pwl-row")).to_have_css("margin-top", "20px")
    expect(page.get_by_text("old style() api")).to_have_css("font-weight", "700")
    expect(page.get_by_role("table")).to_have_css("font-size", "30px")
