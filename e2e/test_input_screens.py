"""Screenshots of every form kind and of the pins, in light and dark and at phone width, for people
to look at (e2e/screenshots/input-*.png). Each also checks the states it shows are really there."""
import pytest
from playwright.sync_api import expect

from pywebio_lite.input import (NUMBER, PASSWORD, actions, checkbox, file_upload, input, input_group,
                                input_update, radio, select, slider, textarea)
from pywebio_lite.output import put_markdown
from pywebio_lite.pin import (put_actions, put_checkbox, put_file_upload, put_input, put_radio, put_select,
                              put_slider, put_textarea)
from pywebio_lite.session import set_env

SIZES = {"desktop": {"width": 900, "height": 900}, "phone": {"width": 390, "height": 844}}


def gallery():
    set_env(input_panel_fixed=False)
    put_markdown("## Create an account\nEvery kind of field, in one form.")
    input_group("Create an account", [
        input("Username", name="user", placeholder="ada", help_text="3 to 12 letters",
              validate=lambda v: "This name is taken" if v == "taken" else None),
        input("Email", name="email", type="text", placeholder="you@example.com",
              onchange=lambda v: input_update(valid_status="@" in v, valid_feedback="Looks good",
                                              invalid_feedback="An email has an @")),
        input("Password", name="pw", type=PASSWORD, required=True),
        input("Member id", name="id", value="M-0042", readonly=True, help_text="Given by the club"),
        input("Age", name="age", type=NUMBER),
        input("Referral code", name="ref", action=("Generate", lambda set_value: set_value("REF-7"))),
        select("Plan", [("Free", "free"), ("Pro", "pro"), ("Enterprise (ask us)", "ent", False, True)], name="plan"),
        select("Interests", ["Music", "Sports", "Travel", "Cooking"], name="interests", multiple=True,
               value=["Travel"]),
        checkbox("Newsletter", ["Weekly digest", "Product news"], name="news", inline=True),
        radio("Contact me by", ["Email", "Phone", "Never"], name="contact", required=True),
        slider("Experience (years)", name="years", value=4, max_value=40),
        file_upload("Avatar", name="avatar", accept="image/*", max_size="1M", help_text="PNG or JPEG, up to 1 MB"),
        textarea("About you", name="about", rows=3, placeholder="A few words"),
        textarea("Start-up script", name="script", rows=5, code={"mode": "python"},
                 value='import math\n\n\ndef area(r: float) -> float:\n    """Disc area."""\n    return math.pi * r ** 2  # cm²\n'),
        actions("", [{"label": "Create", "value": "create"}, {"label": "Save draft", "value": "draft", "color": "secondary"},
                     {"label": "Publish", "value": "pub", "disabled": True},
                     {"label": "Cancel", "type": "cancel"}], name="go"),
    ])


def pins():
    put_markdown("## Pins\nWidgets in the page, read by the app at any time.")
    put_input("q", label="Search", placeholder="Type to filter", help_text="Matches titles")
    put_select("sort", ["Newest", "Oldest"], label="Sort by")
    put_checkbox("tags", ["python", "web", "async"], label="Tags", inline=True, value=["web"])
    put_radio("view", ["List", "Grid"], label="View", inline=True, value="List")
    put_slider("size", label="Page size", value=20, min_value=10, max_value=100, step=10)
    put_actions("act", label="Bulk", buttons=["Archive", {"label": "Delete", "value": "d", "color": "danger"}])
    put_file_upload("import", label="Import a CSV", accept=".csv")
    put_textarea("note", label="Note", rows=2, value="Remember the milk")
    put_textarea("query", label="SQL", rows=3, code={"mode": "sql", "theme": "monokai"},
                 value="SELECT title, count(*)\nFROM posts\nWHERE tag = 'web'\nGROUP BY title;")
    put_input("q", label="Search (newer)", placeholder="The same name again")


def single():
    input("What's your name?", placeholder="Ada Lovelace", help_text="We only use it to greet you")


def choices():
    radio("Pick a colour", ["Red", "Green", "Blue"], inline=True)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_gallery(open_app, page, shot, tmp_path, scheme, size):
    page.set_viewport_size(SIZES[size])
    page.emulate_media(color_scheme=scheme)
    open_app(gallery)
    expect(page.locator(".pwl-editor")).to_be_visible()
    page.get_by_label("Username").fill("taken")
    page.get_by_role("textbox", name="Email").press_sequentially("ada@x.org")
    expect(page.get_by_text("This name is taken")).to_be_visible()
    expect(page.get_by_text("Looks good")).to_be_visible()
    big = tmp_path / "photo.png"
    big.write_bytes(b"\x89PNG" + bytes(2 << 20))
    page.get_by_label("Avatar").set_input_files(big)
    expect(page.get_by_text("The file is too big: 2.0 MB (the limit is 1.0 MB)")).to_be_visible()
    page.get_by_role("button", name="Generate").click()
    expect(page.get_by_label("Referral code")).to_have_value("REF-7")
    page.get_by_label("Age").focus()
    expect(page.get_by_role("button", name="Publish")).to_be_disabled()
    shot(page.locator(".pwl-form-panel"), f"input-gallery-{scheme}-{size}")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_pins(open_app, page, shot, scheme, size):
    page.set_viewport_size(SIZES[size])
    page.emulate_media(color_scheme=scheme)
    open_app(pins)
    expect(page.locator(".pwl-editor")).to_be_visible()
    expect(page.get_by_text("This input was replaced by a newer one")).to_be_visible()
    page.get_by_label("Search (newer)").focus()
    shot(page, f"input-pins-{scheme}-{size}", full_page=True)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_single_inputs(open_app, page, shot, scheme):
    page.set_viewport_size({"width": 900, "height": 500})
    page.emulate_media(color_scheme=scheme)
    open_app(single)
    expect(page.get_by_label("What's your name?")).to_be_focused()
    shot(page, f"input-single-{scheme}")
    page.get_by_role("button", name="Submit").hover()
    page.get_by_label("What's your name?").fill("Ada")
    shot(page.locator(".pwl-form-panel"), f"input-single-filled-{scheme}")


def test_radio_title(open_app, page, shot):
    page.set_viewport_size({"width": 900, "height": 400})
    open_app(choices)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Please fill in this field")).to_have_count(0)  # not required: None is fine
    open_app(lambda: radio("Pick a colour", ["Red", "Green", "Blue"], inline=True, required=True))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("Please fill in this field")).to_be_visible()
    shot(page.locator(".pwl-form-panel"), "input-radio-required")


def test_upload_in_progress(open_app, page, shot, tmp_path):
    """The busy Submit button and the progress bar, caught by stalling the socket mid-upload."""
    def app():
        file_upload("Big file", help_text="Sent in 256 KiB pieces")

    page.set_viewport_size({"width": 900, "height": 500})
    open_app(app)
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(12 << 20))
    page.get_by_label("Big file").set_input_files(big)
    # Pretend the network is slow: the socket reports a full buffer, so the upload waits.
    page.evaluate("""() => {
        const proto = WebSocket.prototype;
        const real = Object.getOwnPropertyDescriptor(proto, 'bufferedAmount');
        let sent = 0;
        const send = proto.send;
        proto.send = function (data) { if (typeof data !== 'string') sent++; return send.call(this, data); };
        Object.defineProperty(proto, 'bufferedAmount', {configurable: true,
            get() { return sent >= 28 && !window.releaseUpload ? (4 << 20) + 1 : real.get.call(this); }});
    }""")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    expect(page.get_by_role("button", name="Submit")).to_have_attribute("aria-busy", "")
    expect(page.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "25")
    expect(page.get_by_role("button", name="Reset")).to_be_disabled()
    shot(page.locator(".pwl-form-panel"), "input-uploading")
    page.evaluate("window.releaseUpload = true")
    expect(page.get_by_role("progressbar")).to_be_hidden()
    expect(page.get_by_label("Big file")).to_have_count(0)  # submitted: the form is gone
