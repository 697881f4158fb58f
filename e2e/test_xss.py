"""The XSS matrix, in Chromium: one hostile string through every text parameter of every output,
input and pin function; no script may run. put_html() and put_markdown(sanitize=False) run
it by design, and the control tests show the detector catches that, so the matrix can fail.

Detection: before the page loads, an init script defines ``window.__xss(where)``, which records
a hit; every payload calls it (or ``alert()``, caught as a dialog event). A hit from any
payload, or any dialog, fails the test. Each test also checks the hostile text reached the
page as text, so a payload silently dropped does not pass for one that was escaped.
"""
import pytest
from playwright.sync_api import Page, expect

from pywebio_lite.input import (FLOAT, NUMBER, PASSWORD, TEXT, URL, actions, checkbox, file_upload,
                                input, input_group, radio, select, slider, textarea)
from pywebio_lite.output import (popup, put_button, put_buttons, put_code, put_collapse, put_column, put_error,
                                 put_file, put_grid, put_html, put_image, put_info, put_link, put_markdown,
                                 put_progressbar, put_row, put_scope, put_scrollable, put_success, put_table,
                                 put_tabs, put_text, put_warning, put_widget, set_progressbar, span, toast)
from pywebio_lite.pin import (pin_update, put_actions, put_checkbox, put_file_upload, put_input, put_radio,
                              put_select, put_slider, put_textarea)
from pywebio_lite.session import download, set_env

#: One string carrying many classic payloads; each names where it would have run.
HOSTILE = ('<script>__xss("script")</script><img src=x onerror=__xss("img")><svg onload=__xss("svg")>'
           '"><img src=x onerror=__xss("dq")>\'><img src=x onerror=__xss("sq")>'
           '</textarea></title></style></script><img src=x onerror=__xss("close")>'
           '<iframe srcdoc="<script>parent.__xss(1)</script>"></iframe><details open ontoggle=__xss("toggle")>'
           '<a href="javascript:__xss(\'href\')">a</a> [md](javascript:__xss("md")) ![i](x"onerror="__xss(2))'
           '{{x}}{{{x}}}&lt;img src=x onerror=__xss("double")&gt;<img src=x onerror=alert("dialog")>')
#: The start of HOSTILE, as a person would read it on the page when it is shown as text.
SHOWN = '<script>__xss("script")</script>'
SCRIPT_URL = "javascript:__xss('url')"

DETECTOR = """
window.__xssHits = [];
window.__xss = (where) => { window.__xssHits.push(String(where)); };
"""


@pytest.fixture
def hostile_page(page: Page):
    """The page with the detector installed and dialogs recorded (and dismissed)."""
    dialogs = []
    page.add_init_script(DETECTOR)

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()
    page.on("dialog", on_dialog)
    page.xss_dialogs = dialogs
    return page


def hits(page: Page) -> list:
    return page.evaluate("window.__xssHits") + [f"dialog:{m}" for m in page.xss_dialogs]


def no_script_ran(page: Page) -> None:
    # A last round trip to the page, so that load/error events of what was drawn have fired.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done)))")
    assert hits(page) == []


def outputs_app():
    H = HOSTILE
    set_env(title=H)
    put_text(H)
    put_text(H, H, inline=True)
    put_markdown(H)
    put_markdown(f"# {H}\n\n* {H}\n\n| {H} | b |\n|---|---|\n| {H} | c |\n\n> {H}\n\n```\n{H}\n```")
    put_html(H, sanitize=True)
    put_code(H)
    put_code(H, language="html")
    put_code(H, language="markdown")
    put_table([[H, span(H, col=2)], [H, H, put_text(H)]], header=[H, H, H])
    put_table([{"a": H, "b": H}], header=[("A " + H, "a"), ("B", "b")])
    put_buttons([H, {"label": H, "value": 1, "color": "danger"}], onclick=lambda v: None)
    put_button(H, onclick=lambda: None)
    put_link(H, url=SCRIPT_URL)
    put_link(H, url="https://example.com/?q=" + H)
    put_link(H, app="index")
    put_image(SCRIPT_URL, title=H)
    put_image("data:text/html,<script>__xss(3)</script>", title=H)
    put_image(b"\x89PNG\r\n\x1a\n", title=H, width=H, height=H)
    put_file(H, b"content", label=H)
    put_info(H), put_error(H, closable=True), put_warning(H), put_success(H)
    put_collapse(H, [H, put_text(H)], open=True)
    put_tabs([{"title": H, "content": H}, {"title": "two " + H, "content": [put_text(H)]}])
    put_scrollable([H, put_text(H)], height=100)
    put_row([put_text(H), None, put_text(H)])
    put_column([put_text(H), put_text(H)])
    put_grid([[put_text(H), put_text(H)]])
    put_widget("<div class='w'>{{x}} {{#items}}<b>{{.}}</b>{{/items}}</div>", {"x": H, "items": [H, H]})
    put_scope("s1", [put_text(H)])
    put_progressbar("bar", 0.3, label=H)
    set_progressbar("bar", 0.5, label=H)
    toast(H, duration=0)
    put_text("outputs done")
    popup(H, [put_text(H), put_markdown(H)])


class TestOutputs:
    def test_every_output_function(self, serve, hostile_page, page_errors, shot):
        page = hostile_page
        page.goto(serve(outputs_app))
        expect(page.get_by_role("dialog")).to_be_visible()
        expect(page.get_by_text("outputs done")).to_be_attached()
        expect(page.get_by_text(SHOWN).first).to_be_visible()
        assert page.title().startswith(SHOWN)
        shot(page, "xss-outputs")
        page.get_by_role("dialog").get_by_role("button", name="Close").click()
        page.locator("#pwl-toasts").get_by_role("button", name="Close").click()
        # Click what a person could click: the neutralised links, the buttons, a tab.
        for link in page.locator(".pwl-link-blocked").all():
            link.click()
        page.get_by_role("button", name=HOSTILE, exact=True).first.click()
        page.get_by_role("tab", name="two " + HOSTILE, exact=True).click()
        no_script_ran(page)

    def test_download_name(self, serve, hostile_page, page_errors):
        def app():
            put_button("Get it", onclick=lambda: download(HOSTILE, b"data"))

        page = hostile_page
        page.goto(serve(app))
        with page.expect_download() as info:
            page.get_by_role("button", name="Get it").click()
        assert info.value.suggested_filename  # the browser made a file name of it
        no_script_ran(page)


def inputs_app():
    H = HOSTILE
    first = [True]

    def check(data):
        if first[0]:
            first[0] = False
            return ("name", H)  # an error message with the payload

    input_group(H, [
        input(H, name="name", value=H, placeholder=H, help_text=H, datalist=[H], title=H,
              action=("Fill " + H, lambda set_value: set_value(H, label=H))),
        input(H, name="pw", type=PASSWORD, value=H, placeholder=H),
        input(H, name="url", type=URL, value=H),
        input(H, name="num", type=NUMBER, help_text=H),
        input(H, name="flt", type=FLOAT, placeholder=H),
        textarea(H, name="text", value=H, placeholder=H, help_text=H),
        textarea(H, name="code", value=H, code={"mode": "html"}),
        select(H, [H, (H + "2", 2), {"label": H + "3", "value": 3}], name="sel", help_text=H),
        select(H, [H, H + "b"], name="multi", multiple=True),
        checkbox(H, [H, (H + "2", 2)], name="cb", help_text=H),
        radio(H, [H, H + "b"], name="rd", help_text=H),
        slider(H, name="sl", help_text=H),
        file_upload("File " + H, name="file", placeholder=H, help_text=H),
        actions(H, [H, {"label": H + " reset", "type": "reset"}], name="act", help_text=H),
    ], validate=check)
    put_text("first form done")
    value = input(H, type=TEXT, validate=lambda v: H)  # every answer refused with the payload
    put_text(repr(value))


class TestInputs:
    def test_every_input_function(self, serve, hostile_page, page_errors, shot):
        page = hostile_page
        page.goto(serve(inputs_app))
        field = page.get_by_role("textbox", name=SHOWN, exact=False).first
        expect(field).to_have_value(HOSTILE)
        expect(page.get_by_text(SHOWN).first).to_be_visible()
        page.get_by_role("button", name="Fill " + HOSTILE, exact=True).click()  # the field's action
        page.get_by_role("checkbox").first.check()
        page.get_by_role("radio").first.check()
        submit = page.get_by_role("button", name=HOSTILE, exact=True)  # an actions() button submits
        submit.click()
        # The name field (a combobox: it has a datalist) is described by its help text and by
        # its error message, both the payload.
        name_field = page.get_by_role("combobox", name=HOSTILE, exact=True).first
        expect(name_field).to_have_accessible_description(f"{HOSTILE} {HOSTILE}")
        shot(page, "xss-inputs")
        submit.click()
        expect(page.get_by_text("first form done")).to_be_visible()
        page.get_by_role("textbox").fill(HOSTILE)
        page.keyboard.press("Enter")
        expect(page.get_by_role("textbox")).to_have_accessible_description(HOSTILE)
        no_script_ran(page)


def pins_app():
    H = HOSTILE
    put_input("p1", label=H, value=H, placeholder=H, help_text=H)
    put_textarea("p2", label=H, value=H, placeholder=H, help_text=H)
    put_textarea("p2c", label=H, value=H, code={"mode": "markdown"})
    put_select("p3", [H, (H + "2", 2)], label=H, help_text=H)
    put_checkbox("p4", [H, H + "b"], label=H, help_text=H)
    put_radio("p5", [H, H + "b"], label=H, help_text=H)
    put_slider("p6", label=H, help_text=H)
    put_actions("p7", label=H, buttons=[H, (H + "2", 2)], help_text=H)
    put_file_upload("p8", label="File " + H, placeholder=H, help_text=H)
    pin_update("p1", label="updated " + H, value=H, placeholder=H, help_text=H, valid_status=False,
               invalid_feedback=H)
    pin_update("p3", options=[H + "new", (H, 5)], label=H)
    pin_update("p4", options=[H + "new"], help_text=H)
    put_text("pins done")


class TestPins:
    def test_every_pin_function(self, serve, hostile_page, page_errors, shot):
        page = hostile_page
        page.goto(serve(pins_app))
        expect(page.get_by_text("pins done")).to_be_visible()
        expect(page.get_by_role("textbox", name="updated " + SHOWN, exact=False)).to_have_value(HOSTILE)
        expect(page.get_by_text(SHOWN).first).to_be_visible()
        page.get_by_role("textbox", name="updated " + SHOWN, exact=False).fill(HOSTILE + "!")
        page.get_by_role("checkbox").first.check()
        page.get_by_role("button", name=HOSTILE, exact=True).click()
        shot(page, "xss-pins")
        no_script_ran(page)


class TestTheDetectorWorks:
    """By design put_html() and put_markdown(sanitize=False) run what they are given; here the
    same detector must see it, or the matrix above proves nothing."""

    @pytest.mark.parametrize("make", [lambda: put_html(HOSTILE), lambda: put_markdown(HOSTILE, sanitize=False)])
    def test_raw_html_runs(self, serve, hostile_page, make):
        def app():
            make()
            put_text("drawn")

        page = hostile_page
        page.goto(serve(app))
        expect(page.get_by_text("drawn")).to_be_visible()
        page.wait_for_function("window.__xssHits.includes('img')")
        assert "img" in hits(page)

    def test_a_trusted_script_link_runs(self, serve, hostile_page):
        from pywebio_lite.output import trusted_url

        def app():
            put_link("trusted", url=trusted_url(SCRIPT_URL))

        page = hostile_page
        page.goto(serve(app))
        page.get_by_role("link", name="trusted").click()
        page.wait_for_function("window.__xssHits.includes('url')")
