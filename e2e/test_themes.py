"""Themes: config(theme=...) and PYWEBIO_THEME give the default, dark, sketchy, minty and yeti looks."""
import pytest
from playwright.sync_api import expect

from pywebio_lite.input import input_group, input, select
from pywebio_lite.output import put_buttons, put_markdown, put_success, put_table, put_text
from pywebio_lite.platform.page import config


def showcase():
    put_markdown("# Orders\nA **small** shop, drawn in the current theme.")
    put_table([["Item", "Qty", "Price"], ["Tea", "2", "4.00"], ["Cake", "1", "3.50"]])
    put_buttons(["Save", {"label": "Delete", "value": "d", "color": "danger"},
                 {"label": "Later", "value": "l", "color": "secondary"}], onclick=lambda _: None)
    put_success("Order saved")
    input_group("New order", [input("Customer", name="who", placeholder="Name"),
                              select("Item", ["Tea", "Cake", "Coffee"], name="item")])


# theme -> (data-theme, a check on the Save button's look)
THEMES = {
    "default": ("auto", "border-top-left-radius", "8px"),
    "dark": ("dark", "background-color", "rgb(59, 118, 240)"),
    "sketchy": ("sketchy", "border-top-width", "2px"),
    "minty": ("minty", "background-color", "rgb(111, 196, 171)"),
    "yeti": ("yeti", "text-transform", "uppercase"),
}


@pytest.mark.parametrize("theme", list(THEMES))
def test_each_theme_has_its_own_look(open_app, shot, theme):
    attr, prop, value = THEMES[theme]
    page = open_app(config(theme=theme)(showcase))
    expect(page.get_by_label("Customer")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-theme", attr)
    save = page.get_by_role("button", name="Save")
    expect(save).to_have_css(prop, value)
    if theme != "default":
        expect(page.locator("body")).to_have_class(f"webio-theme-{theme}")
    shot(page, f"theme-{theme}", full_page=True)


def test_the_looks_differ(open_app):
    looks = set()
    for theme in THEMES:
        page = open_app(config(theme=theme)(showcase))
        expect(page.get_by_label("Customer")).to_be_visible()
        looks.add(page.get_by_role("button", name="Save").evaluate(
            "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.borderRadius, s.fontFamily].join('|'); }"))
    assert len(looks) == len(THEMES)


def test_sketchy_uses_no_fetched_font(open_app, page):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page = open_app(config(theme="sketchy")(showcase))
    expect(page.get_by_label("Customer")).to_be_visible()
    assert "cursive" in page.locator("body").evaluate("b => getComputedStyle(b).fontFamily")
    assert not any(u.endswith((".woff", ".woff2", ".ttf", ".otf")) for u in requested)


def test_pywebio_theme_environment_variable_wins(open_app, monkeypatch):
    monkeypatch.setenv("PYWEBIO_THEME", "yeti")

    @config(theme="minty")
    def app():
        put_text("hello")

    page = open_app(app)
    expect(page.get_by_text("hello")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-theme", "yeti")


def test_one_app_function_served_in_every_theme(page, serve):
    """PyWebIO's theme demo: {theme: config(theme=theme)(page) for theme in themes}."""
    def show():
        put_text("same app")

    apps = {t: config(theme=t, title=f"{t} theme")(show) for t in ("dark", "sketchy", "minty", "yeti")}
    apps["index"] = show
    base = serve(apps)
    for name, attr in (("dark", "dark"), ("yeti", "yeti"), ("index", "auto"), ("minty", "minty"), ("sketchy", "sketchy")):
        page.goto(f"{base}?app={name}")
        expect(page.get_by_text("same app")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("data-theme", attr)
