"""select(native=False): our searchable select, a combobox with a listbox (forms/combo.js)."""
from playwright.sync_api import expect

from pywebio_lite.input import input_group, select
from pywebio_lite.output import put_text
from pywebio_lite.pin import pin, put_select

FRUITS = ["Apple", "Apricot", "Banana", "Blueberry", "Cherry", "Crème brûlée", "Date", "Elderberry"]


def test_type_to_filter_then_pick_with_the_keyboard(open_app, shot):
    def app():
        put_text(repr(select("Fruit", FRUITS, native=False, value="Banana")))

    page = open_app(app)
    box = page.get_by_role("combobox", name="Fruit")
    expect(box).to_have_value("Banana")
    expect(page.get_by_label("Fruit", exact=True)).to_have_count(1)  # the hidden <select> is not a second control
    box.click()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(listbox.get_by_role("option")).to_have_count(len(FRUITS))
    expect(listbox.get_by_role("option", name="Banana")).to_have_attribute("aria-selected", "true")
    box.fill("ap")
    expect(listbox.get_by_role("option")).to_have_text(["Apple", "Apricot"])
    shot(page, "select-search-filter")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", listbox.get_by_role("option", name="Apricot").get_attribute("id"))
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(box).to_have_value("Apricot")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("'Apricot'")).to_be_visible()


def test_accents_and_case_do_not_matter_and_no_match_is_said(open_app):
    def app():
        put_text(repr(select("Dessert", FRUITS, native=False)))

    page = open_app(app)
    box = page.get_by_role("combobox", name="Dessert")
    box.fill("CREME")
    expect(page.get_by_role("option")).to_have_text(["Crème brûlée"])
    box.fill("kiwi")
    expect(page.get_by_role("option")).to_have_count(0)
    expect(page.get_by_role("listbox").get_by_text("No matches")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("listbox")).to_be_hidden()
    box.fill("dat")
    page.get_by_role("option", name="Date").click()
    expect(box).to_have_value("Date")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("'Date'")).to_be_visible()


def test_multiple_selection_with_removable_chips(open_app, shot):
    def app():
        put_text(repr(select("Toppings", [("Cheese", 1), ("Ham", 2), ("Olives", 3), ("Pineapple", 4, False, True)],
                             multiple=True, native=False, value=[1])))

    page = open_app(app)
    box = page.get_by_role("combobox", name="Toppings")
    expect(page.get_by_role("button", name="Remove Cheese")).to_be_visible()
    box.click()
    listbox = page.get_by_role("listbox")
    expect(listbox).to_have_attribute("aria-multiselectable", "true")
    expect(listbox.get_by_role("option", name="Pineapple")).to_have_attribute("aria-disabled", "true")
    box.fill("ol")
    page.keyboard.press("Enter")  # picks Olives, the list stays open for more
    expect(page.get_by_role("button", name="Remove Olives")).to_be_visible()
    expect(box).to_have_value("")
    listbox.get_by_role("option", name="Ham").click()
    listbox.get_by_role("option", name="Pineapple").click(force=True)  # disabled: nothing happens
    expect(page.get_by_role("button", name="Remove Pineapple")).to_have_count(0)
    shot(page, "select-search-multiple")
    page.get_by_role("button", name="Remove Cheese").click()
    expect(page.get_by_role("button", name="Remove Cheese")).to_have_count(0)
    box.focus()
    page.keyboard.press("Backspace")  # removes the last chip (chips keep the options' order: Ham, Olives)
    expect(page.get_by_role("button", name="Remove Olives")).to_have_count(0)
    expect(page.get_by_role("button", name="Remove Ham")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("[2]")).to_be_visible()


def test_in_a_group_with_onchange_and_as_a_pin(open_app):
    def app():
        put_select("city", ["Paris", "Lyon", "Nice"], label="City", native=False)
        data = input_group("Trip", [
            select("Mode", ["Train", "Plane", "Car"], name="mode", native=False,
                   onchange=lambda v: put_text(f"mode now {v}")),
        ])
        put_text(f"mode={data['mode']} city={pin.city}")

    page = open_app(app)
    city = page.get_by_role("combobox", name="City")
    city.fill("ly")
    page.keyboard.press("Enter")
    expect(city).to_have_value("Lyon")
    mode = page.get_by_role("combobox", name="Mode")
    mode.click()
    page.get_by_role("option", name="Car").click()
    expect(page.get_by_text("mode now Car")).to_be_visible()
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("mode=Car city=Lyon")).to_be_visible()


def test_pin_update_options_and_the_dark_theme(open_app, shot):
    from pywebio_lite.output import put_buttons
    from pywebio_lite.pin import pin_update
    from pywebio_lite.platform.page import config

    @config(theme="dark")
    def app():
        put_select("tags", ["red", "green"], label="Tags", multiple=True, native=False, value=["red"])
        put_buttons(["More colours"], onclick=lambda _: pin_update(
            "tags", options=["red", "green", "blue", "violet"], value=["blue", "violet"]))
        put_buttons(["Show"], onclick=lambda _: put_text(f"tags={pin.tags}"))

    page = open_app(app)
    expect(page.get_by_role("button", name="Remove red")).to_be_visible()
    page.get_by_role("button", name="More colours").click()
    expect(page.get_by_role("button", name="Remove blue")).to_be_visible()
    expect(page.get_by_role("button", name="Remove violet")).to_be_visible()
    expect(page.get_by_role("button", name="Remove red")).to_have_count(0)
    box = page.get_by_role("combobox", name="Tags")
    box.fill("gr")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove green")).to_be_visible()
    shot(page, "select-search-dark")
    page.keyboard.press("Escape")  # the list of a multiple select stays open for more picks
    expect(page.get_by_role("listbox")).to_be_hidden()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("tags=['green', 'blue', 'violet']")).to_be_visible()
