"""input_group, choices (select/checkbox/radio), actions, slider, textarea and the code editor,
onchange + input_update, several forms at once, and the input panel settings."""
import threading

from playwright.sync_api import expect

from pywebio_lite.input import (actions, checkbox, input, input_group, input_update, radio, select, slider,
                                textarea)
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.session import run_async, set_env


def shown(value) -> str:
    return f"{type(value).__name__}: {value!r}"


class TestGroup:
    def test_a_group_returns_a_dict_of_every_field(self, open_app, app_kind):
        def body():
            data = yield input_group("Basic info", [
                input("Name", name="name"),
                input("Age", name="age", type="number"),
                select("Gift", ["keyboard", "ipad"], name="gift"),
            ])
            put_text(shown(data))

        page = open_app(app_kind(body))
        page.get_by_label("Name").fill("Ada")
        page.get_by_label("Age").fill("36")
        page.get_by_label("Gift").select_option("ipad")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'name': 'Ada', 'age': 36, 'gift': 'ipad'}")).to_be_visible()

    def test_cancelable_group_returns_none(self, open_app, app_kind):
        def body():
            data = yield input_group("Optional", [input("Note", name="note")], cancelable=True)
            put_text(shown(data))

        page = open_app(app_kind(body))
        page.get_by_label("Note").fill("never sent")
        page.get_by_role("button", name="Cancel").click()
        expect(page.get_by_text("NoneType: None")).to_be_visible()

    def test_no_cancel_button_unless_cancelable(self, open_app):
        def app():
            input_group("Required", [input("Note", name="note")])

        page = open_app(app)
        expect(page.get_by_role("button", name="Submit")).to_be_visible()
        expect(page.get_by_role("button", name="Cancel")).to_have_count(0)

    def test_reset_restores_the_initial_values(self, open_app):
        def app():
            data = input_group("Settings", [
                input("Host", name="host", value="localhost"),
                checkbox("Flags", ["fast", "safe"], name="flags", value=["safe"]),
                slider("Level", name="level", value=3, max_value=10),
            ])
            put_text(shown(data))

        page = open_app(app)
        page.get_by_label("Host").fill("example.com")
        page.get_by_label("fast").check()
        page.get_by_label("safe").uncheck()
        page.get_by_label("Level").fill("8")
        page.get_by_role("button", name="Reset").click()
        expect(page.get_by_label("Host")).to_have_value("localhost")
        expect(page.get_by_label("fast")).not_to_be_checked()
        expect(page.get_by_label("safe")).to_be_checked()
        expect(page.get_by_label("Level")).to_have_value("3")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'host': 'localhost', 'flags': ['safe'], 'level': 3}")).to_be_visible()


class TestChoices:
    def test_select_returns_the_option_value_of_any_type(self, open_app, app_kind):
        def body():
            value = yield select("Pick a point", [("origin", (0, 0)), ("unit", (1, 1)), ("none", None)])
            put_text(shown(value))

        page = open_app(app_kind(body))
        page.get_by_label("Pick a point").select_option("unit")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("tuple: (1, 1)")).to_be_visible()

    def test_select_multiple_returns_a_list(self, open_app, app_kind):
        def body():
            value = yield select("Fruits", ["apple", "banana", "cherry"], multiple=True, value=["banana"])
            put_text(shown(value))

        page = open_app(app_kind(body))
        listbox = page.get_by_label("Fruits")
        expect(listbox).to_have_values(["1"])  # the browser holds option indices
        listbox.select_option(["apple", "cherry"])
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("list: ['apple', 'cherry']")).to_be_visible()

    def test_select_disabled_and_preselected_options(self, open_app):
        def app():
            value = select("Plan", [{"label": "Free", "value": "free"},
                                    {"label": "Pro", "value": "pro", "selected": True},
                                    {"label": "Enterprise", "value": "ent", "disabled": True}])
            put_text(shown(value))

        page = open_app(app)
        expect(page.get_by_label("Plan")).to_have_value("1")
        expect(page.get_by_role("option", name="Enterprise")).to_be_disabled()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("str: 'pro'")).to_be_visible()

    def test_checkbox_values_of_any_type_come_back_unchanged(self, open_app, app_kind):
        def body():
            value = yield checkbox("Options", [("A tuple", (1, "a")), ("A dict", {"x": 2}), ("None", None)],
                                   inline=True)
            put_text(shown(value))

        page = open_app(app_kind(body))
        group = page.get_by_role("group", name="Options")
        expect(group).to_be_visible()
        page.get_by_label("A tuple").check()
        page.get_by_label("None").check()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("list: [(1, 'a'), None]")).to_be_visible()

    def test_single_checkbox_agreement(self, open_app):
        def app():
            agree = checkbox("User Term", options=["I agree to terms and conditions"])
            put_text(shown(agree))

        page = open_app(app)
        expect(page.get_by_role("group", name="User Term")).to_be_visible()
        page.get_by_label("I agree to terms and conditions").check()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("list: ['I agree to terms and conditions']")).to_be_visible()

    def test_radio_is_required_and_returns_the_value(self, open_app, app_kind):
        def body():
            value = yield radio("Choose one", [("Alpha", 1.5), ("Beta", (2, 3))], required=True)
            put_text(shown(value))

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Please fill in this field")).to_be_visible()
        page.get_by_label("Beta").check()
        expect(page.get_by_text("Please fill in this field")).to_be_hidden()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("tuple: (2, 3)")).to_be_visible()

    def test_radio_arrow_keys_move_the_choice(self, open_app):
        def app():
            put_text(shown(radio("Size", ["S", "M", "L"], value="S")))

        page = open_app(app)
        page.get_by_label("S", exact=True).focus()
        page.keyboard.press("ArrowDown")
        expect(page.get_by_label("M", exact=True)).to_be_checked()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("str: 'M'")).to_be_visible()


class TestActions:
    def test_the_clicked_buttons_value_is_returned(self, open_app, app_kind):
        def body():
            choice = yield actions("Delete the file?", [{"label": "Yes", "value": ("yes", 1), "color": "danger"},
                                                        {"label": "No", "value": False}])
            put_text(shown(choice))

        page = open_app(app_kind(body))
        expect(page.get_by_role("button", name="Submit")).to_have_count(0)  # its own buttons replace them
        expect(page.get_by_role("button", name="Yes")).to_contain_class("pwl-c-danger")
        page.get_by_role("button", name="Yes").click()
        expect(page.get_by_text("tuple: ('yes', 1)")).to_be_visible()

    def test_submit_reset_cancel_and_disabled_buttons(self, open_app, app_kind):
        def body():
            data = yield input_group("Post", [
                input("Title", name="title", value="Draft"),
                actions("", [{"label": "Publish", "value": "publish"},
                             {"label": "Archive", "value": "archive", "disabled": True},
                             {"label": "Start over", "type": "reset"},
                             {"label": "Discard", "type": "cancel"}], name="action"),
            ])
            put_text(shown(data))
            data = yield input_group("Again", [
                input("Title", name="title"),
                actions("", [{"label": "Publish", "value": "publish"}, {"label": "Discard", "type": "cancel"}],
                        name="action"),
            ])
            put_text(shown(data))

        page = open_app(app_kind(body))
        expect(page.get_by_role("button", name="Archive")).to_be_disabled()
        page.get_by_label("Title").fill("Changed")
        page.get_by_role("button", name="Start over").click()
        expect(page.get_by_label("Title")).to_have_value("Draft")
        page.get_by_role("button", name="Publish").click()
        expect(page.get_by_text("dict: {'title': 'Draft', 'action': 'publish'}")).to_be_visible()
        page.get_by_role("button", name="Discard").click()
        expect(page.get_by_text("NoneType: None")).to_be_visible()

    def test_enter_presses_the_first_submit_button(self, open_app):
        def app():
            data = input_group("Search", [input("Query", name="q"),
                                          actions("", [("Go", "go"), ("Lucky", "lucky")], name="how")])
            put_text(shown(data))

        page = open_app(app)
        page.get_by_label("Query").fill("cats")
        page.keyboard.press("Enter")
        expect(page.get_by_text("dict: {'q': 'cats', 'how': 'go'}")).to_be_visible()

    def test_an_actions_item_in_the_middle_keeps_the_default_buttons(self, open_app):
        def app():
            data = input_group("Mixed", [actions("Quick pick", [("Fill", "fill")], name="quick"),
                                         input("Text", name="text")])
            put_text(shown(data))

        page = open_app(app)
        expect(page.get_by_role("button", name="Submit")).to_be_visible()
        page.get_by_label("Text").fill("typed")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'quick': None, 'text': 'typed'}")).to_be_visible()


class TestSlider:
    def test_int_slider_shows_its_value(self, open_app, app_kind):
        def body():
            value = yield slider("Volume", value=20, min_value=0, max_value=100, step=5)
            put_text(shown(value))

        page = open_app(app_kind(body))
        knob = page.get_by_label("Volume")
        expect(knob).to_have_value("20")
        knob.focus()
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        expect(knob).to_have_value("30")
        expect(page.locator("output")).to_have_text("30")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("int: 30")).to_be_visible()

    def test_float_slider_returns_a_float(self, open_app):
        def app():
            put_text(shown(slider("Ratio", value=0.5, min_value=0.0, max_value=1.0, step=0.25)))

        page = open_app(app)
        page.get_by_label("Ratio").focus()
        page.keyboard.press("ArrowLeft")
        expect(page.locator("output")).to_have_text("0.25")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("float: 0.25")).to_be_visible()


class TestTextarea:
    def test_textarea_keeps_newlines(self, open_app, app_kind):
        def body():
            text = yield textarea("Text Area", rows=3, placeholder="Some text", maxlength=200)
            put_text(repr(text))

        page = open_app(app_kind(body))
        area = page.get_by_label("Text Area")
        expect(area).to_have_attribute("rows", "3")
        expect(area).to_have_attribute("placeholder", "Some text")
        area.fill("line one\nline two\n\nafter a blank")
        page.keyboard.press("Enter")  # Enter in a textarea is a newline, not a submit
        expect(page.get_by_role("button", name="Submit")).to_be_visible()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(repr("line one\nline two\n\nafter a blank\n"))).to_be_visible()


class TestCodeEditor:
    def test_type_python_with_tab_and_enter(self, open_app, app_kind):
        def body():
            code = yield textarea("Code", code={"mode": "python", "theme": "darcula"}, value="")
            put_text(repr(code))

        page = open_app(app_kind(body))
        editor = page.get_by_label("Code")
        expect(page.locator(".pwl-editor")).to_be_visible()  # the editor has loaded
        expect(page.locator(".pwl-editor")).to_have_attribute("data-scheme", "dark")
        editor.focus()
        page.keyboard.type("def f(x):")
        page.keyboard.press("Enter")           # indents after ':'
        page.keyboard.type("if x:")
        page.keyboard.press("Enter")
        page.keyboard.type("return 1")
        page.keyboard.press("Enter")           # dedents after return
        page.keyboard.type("return 0")
        page.keyboard.press("Enter")           # back to the left edge
        page.keyboard.type("# done")
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        page.keyboard.type("x = [")
        page.keyboard.press("Enter")
        page.keyboard.type("1,")
        page.keyboard.press("Enter")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type("]")
        page.keyboard.press("Enter")
        page.keyboard.press("Backspace")       # removes one indent unit
        page.keyboard.type("end")
        expected = ("def f(x):\n    if x:\n        return 1\n    return 0\n# done\n"
                    "    x = [\n        1,\n    ]\nend")
        expect(editor).to_have_value(expected)
        expect(page.locator(".pwl-editor .hl-k").first).to_have_text("def")
        expect(page.locator(".pwl-editor-num")).to_have_count(9)
        page.keyboard.press("Escape")
        page.keyboard.press("Tab")             # Esc, then Tab leaves the editor
        expect(page.get_by_role("button", name="Submit")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_text(repr(expected))).to_be_visible()

    def test_tab_indents_and_shift_tab_dedents_selected_lines(self, open_app):
        def app():
            put_text(repr(textarea("Script", code={"mode": "javascript", "indentUnit": 2}, value="a();\nb();\nc();")))

        page = open_app(app)
        editor = page.get_by_label("Script")
        expect(page.locator(".pwl-editor")).to_be_visible()
        editor.focus()
        page.keyboard.press("Control+a")
        page.keyboard.press("Tab")
        expect(editor).to_have_value("  a();\n  b();\n  c();")
        page.keyboard.press("Shift+Tab")
        expect(editor).to_have_value("a();\nb();\nc();")
        page.keyboard.press("Control+End")
        page.keyboard.type("\nif (x) {")
        page.keyboard.press("Enter")
        page.keyboard.type("y();")
        expect(editor).to_have_value("a();\nb();\nc();\nif (x) {\n  y();")
        page.keyboard.press("Control+z")  # undo works as in a plain textarea
        expect(editor).not_to_have_value("a();\nb();\nc();\nif (x) {\n  y();")

    def test_codemirror_options(self, open_app):
        def app():
            input_group("Editors", [
                textarea("JSON", name="json", code={"mode": "application/json", "theme": "eclipse",
                                                    "lineNumbers": False, "foldGutter": True},
                         value='{"a": [1, true, null]}'),
                textarea("SQL", name="sql", code={"mode": "text/x-sql", "readOnly": True}, value="SELECT 1;"),
                textarea("Notes", name="md", code={"mode": "markdown", "lineWrapping": True},
                         value="# Title\n" + "word " * 80),
            ])

        page = open_app(app)
        editors = page.locator(".pwl-editor")
        expect(editors).to_have_count(3)
        expect(editors.nth(0)).to_have_attribute("data-scheme", "light")
        expect(editors.nth(0).locator(".pwl-editor-num")).to_have_count(0)
        expect(editors.nth(0).locator(".hl-p")).to_have_text('"a"')
        expect(editors.nth(0).locator(".hl-l")).to_have_text(["true", "null"])
        expect(page.get_by_label("SQL")).not_to_be_editable()
        expect(editors.nth(1).locator(".hl-k")).to_have_text("SELECT")
        expect(editors.nth(2)).to_contain_class("pwl-editor-wrap")
        expect(editors.nth(2).locator(".hl-h")).to_have_text("# Title")
        # wrapped text: the textarea and its highlighted copy have the same height
        copy = editors.nth(2).locator(".pwl-editor-line").nth(1).bounding_box()
        area = page.get_by_label("Notes").bounding_box()
        assert copy["height"] > 40  # the long line wraps
        assert abs(area["height"] - (copy["y"] + copy["height"] - area["y"])) <= 1

    def test_the_caret_stays_in_view_in_long_code(self, open_app):
        def app():
            textarea("Long code", rows=4, code={"mode": "python"}, value="\n".join(f"line_{i} = {i}" for i in range(60)))

        page = open_app(app)
        expect(page.locator(".pwl-editor")).to_be_visible()
        page.get_by_label("Long code").focus()
        page.keyboard.press("Control+End")
        page.keyboard.type("\nlast = 'a line long enough to scroll the editor sideways, and then some more words'")
        lines = page.locator(".pwl-editor-line")
        expect(lines.last).to_be_in_viewport()
        expect(lines.first).not_to_be_in_viewport()
        page.keyboard.press("Control+Home")
        expect(lines.first).to_be_in_viewport()
        # the first column is not hidden under the line numbers
        assert page.locator(".pwl-editor-scroll").evaluate("el => el.scrollLeft") == 0

    def test_the_editor_is_labelled_and_explains_how_to_leave(self, open_app):
        def app():
            textarea("Program", code=True, help_text="Python 3")

        page = open_app(app)
        expect(page.locator(".pwl-editor")).to_be_visible()
        editor = page.get_by_role("textbox", name="Program")
        expect(editor).to_have_accessible_description(
            "Python 3 Tab indents, Shift+Tab dedents. To leave the editor, press Esc, then Tab.")


class TestOnchange:
    def test_options_follow_another_field(self, open_app, app_kind):
        cities = {"France": ["Paris", "Lyon"], "Japan": ["Tokyo", "Osaka", "Kyoto"]}

        def body():
            data = yield input_group("Where", [
                select("Country", list(cities), name="country",
                       onchange=lambda c: input_update("city", options=cities[c])),
                select("City", cities["France"], name="city"),
            ])
            put_text(shown(data))

        page = open_app(app_kind(body))
        page.get_by_label("Country").select_option("Japan")
        expect(page.get_by_label("City").get_by_role("option")).to_have_text(["Tokyo", "Osaka", "Kyoto"])
        page.get_by_label("City").select_option("Kyoto")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'country': 'Japan', 'city': 'Kyoto'}")).to_be_visible()

    def test_onchange_while_typing_updates_other_fields(self, open_app):
        def on_name(name):
            input_update("greeting", value=f"Hello, {name}")
            input_update("count", help_text=f"{len(name)} characters", valid_status=len(name) <= 5,
                         invalid_feedback="Too long", valid_feedback="Fine")

        def app():
            data = input_group("Live", [input("Name", name="name", onchange=on_name),
                                        input("Greeting", name="greeting", readonly=True),
                                        input("Count", name="count", readonly=True)])
            put_text(shown(data))

        page = open_app(app)
        page.get_by_label("Name").press_sequentially("Ada")
        expect(page.get_by_label("Greeting")).to_have_value("Hello, Ada")
        expect(page.get_by_label("Count")).to_have_accessible_description("3 characters Fine")
        page.get_by_label("Name").press_sequentially("lovelace")
        expect(page.get_by_label("Greeting")).to_have_value("Hello, Adalovelace")
        expect(page.get_by_label("Count")).to_have_accessible_description("11 characters Too long")
        expect(page.get_by_label("Count")).to_have_attribute("aria-invalid", "true")

    def test_input_update_changes_label_placeholder_and_more(self, open_app):
        def on_kind(kind):
            if kind == "email":
                input_update("contact", label="Email address", placeholder="you@example.com", required=True)
            else:
                input_update("contact", label="Phone number", placeholder="+1 555", required=False,
                             readonly=True, value="n/a")

        def app():
            data = input_group("Contact", [radio("How", ["email", "phone"], name="how", onchange=on_kind),
                                           input("Contact", name="contact")])
            put_text(shown(data))

        page = open_app(app)
        page.get_by_label("email").check()
        field = page.get_by_label("Email address")
        expect(field).to_have_attribute("placeholder", "you@example.com")
        expect(field).to_have_attribute("required", "")
        page.get_by_label("phone").check()
        field = page.get_by_label("Phone number")
        expect(field).to_have_value("n/a")
        expect(field).not_to_be_editable()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'how': 'phone', 'contact': 'n/a'}")).to_be_visible()


class TestSeveralForms:
    def test_the_most_recent_tasks_form_is_shown_first(self, open_app):
        def app():
            put_buttons(["Ask another question"], onclick=lambda _: put_text("second: " + input("Second question")))
            put_text("first: " + input("First question"))

        page = open_app(app)
        page.get_by_label("First question").fill("half typed")
        page.get_by_role("button", name="Ask another question").click()
        expect(page.get_by_label("Second question")).to_be_visible()
        expect(page.get_by_label("First question")).to_be_hidden()
        expect(page.get_by_role("button", name="Submit")).to_have_count(1)
        page.get_by_label("Second question").fill("B")
        page.keyboard.press("Enter")
        expect(page.get_by_text("second: B")).to_be_visible()
        expect(page.get_by_label("First question")).to_have_value("half typed")  # kept while hidden
        page.get_by_label("First question").fill("A")
        page.keyboard.press("Enter")
        expect(page.get_by_text("first: A")).to_be_visible()

    def test_forms_of_coroutine_tasks(self, open_app):
        started = threading.Event()

        async def other():
            started.set()
            put_text("other: " + await input("Other task"))

        async def app():
            run_async(other())
            put_text("main: " + await input("Main task"))

        page = open_app(app)
        expect(page.get_by_label("Other task")).to_be_visible()
        expect(page.get_by_label("Main task")).to_be_hidden()
        page.get_by_label("Other task").fill("o")
        page.keyboard.press("Enter")
        page.get_by_label("Main task").fill("m")
        page.keyboard.press("Enter")
        expect(page.get_by_text("other: o")).to_be_visible()
        expect(page.get_by_text("main: m")).to_be_visible()


class TestPanel:
    def test_fixed_panel_stays_in_view_while_output_scrolls(self, open_app, page):
        def app():
            for i in range(80):
                put_text(f"line {i}")
            input("Stay with me")

        page.set_viewport_size({"width": 900, "height": 700})
        open_app(app)
        field = page.get_by_label("Stay with me")
        expect(field).to_be_in_viewport()
        page.evaluate("window.scrollTo(0, 0)")
        expect(page.get_by_text("line 0", exact=True)).to_be_in_viewport()
        expect(field).to_be_in_viewport()  # the panel sticks to the bottom of the window

    def test_panel_fixed_false_puts_the_form_after_the_output(self, open_app, page):
        def app():
            set_env(input_panel_fixed=False)
            for i in range(80):
                put_text(f"line {i}")
            input("Inline form")

        page.set_viewport_size({"width": 900, "height": 700})
        open_app(app)
        field = page.get_by_label("Inline form")
        expect(field).to_be_focused()
        page.evaluate("window.scrollTo(0, 0)")
        expect(field).not_to_be_in_viewport()
        expect(page.locator("#input-container")).to_have_css("position", "static")

    def test_panel_heights_shape_a_tall_form(self, open_app, page):
        def app():
            set_env(input_panel_init_height=250, input_panel_min_height=100)
            for i in range(60):
                put_text(f"line {i}")
            input_group("Tall", [input(f"Field {i}", name=f"f{i}") for i in range(12)])

        page.set_viewport_size({"width": 900, "height": 1000})
        open_app(app)
        expect(page.get_by_label("Field 0")).to_be_focused()
        page.evaluate("window.scrollTo(0, 0)")
        panel = page.locator(".pwl-form-panel")
        # the form peeks in by half the window (more than the 250px asked for); the rest is below
        top = panel.bounding_box()["y"]
        assert 480 <= 1000 - top <= 520
        expect(page.get_by_label("Field 11")).not_to_be_in_viewport()
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        expect(page.get_by_role("button", name="Submit")).to_be_in_viewport()
