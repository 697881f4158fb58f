"""input(): every type and parameter, filled the way a person does, in thread and coroutine apps.

Apps are written once as generators (``value = yield input(...)``); the `app_kind` fixture runs
each as a thread app and as an ``async def`` app.
"""
import re

from playwright.sync_api import expect

from pywebio_lite.input import (COLOR, DATE, DATETIME_LOCAL, FLOAT, NUMBER, PASSWORD, TIME, URL, input,
                                input_group)
from pywebio_lite.output import put_text
from pywebio_lite.session import set_env


def shown(value) -> str:
    """How the apps below print a value: its type and repr."""
    return f"{type(value).__name__}: {value!r}"


class TestText:
    def test_text_input_returns_what_was_typed(self, open_app, app_kind):
        def body():
            name = yield input("What's your name?")
            put_text(f"Hello, {name}!")

        page = open_app(app_kind(body))
        page.get_by_label("What's your name?").fill("Ada Lovelace")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Hello, Ada Lovelace!")).to_be_visible()
        expect(page.get_by_role("form")).to_have_count(0)  # the form is gone once submitted

    def test_enter_submits_and_the_first_field_has_focus(self, open_app, app_kind):
        def body():
            city = yield input("City")
            put_text(f"city={city}")

        page = open_app(app_kind(body))
        field = page.get_by_label("City")
        expect(field).to_be_focused()
        page.keyboard.type("Paris")
        page.keyboard.press("Enter")
        expect(page.get_by_text("city=Paris")).to_be_visible()

    def test_the_next_question_takes_the_place_of_the_last_without_a_fade(self, open_app):
        # The first form fades in; one that replaces a form just answered appears at once (no
        # flicker between questions, and no animation running while the person types).
        def app():
            first = input("First question")
            second = input("Second question")
            put_text(f"{first}, {second}")

        page = open_app(app)
        first = page.get_by_label("First question")
        expect(first).to_be_focused()
        panel = page.locator(".pwl-form-panel")
        assert panel.evaluate("el => getComputedStyle(el).animationName") == "pwl-fade-in"
        first.fill("one")
        first.press("Enter")
        second = page.get_by_label("Second question")
        expect(second).to_be_focused()
        expect(panel).to_have_count(1)
        assert panel.evaluate("el => getComputedStyle(el).animationName") == "none"
        # the focus ring shows at once, not through a transition
        assert second.evaluate("el => getComputedStyle(el).transitionDuration") == "0s"
        second.fill("two")
        second.press("Enter")
        expect(page.get_by_text("one, two")).to_be_visible()

    def test_placeholder_help_text_value_and_attrs(self, open_app):
        def app():
            value = input("Nickname", placeholder="e.g. ada", help_text="Shown to other players",
                          value="ada", maxlength=8, autocomplete="nickname", spellcheck="false")
            put_text(shown(value))

        page = open_app(app)
        field = page.get_by_placeholder("e.g. ada")
        expect(field).to_have_value("ada")
        expect(field).to_have_accessible_name("Nickname")
        expect(field).to_have_accessible_description("Shown to other players")
        expect(field).to_have_attribute("maxlength", "8")
        expect(field).to_have_attribute("autocomplete", "nickname")
        expect(field).to_have_attribute("spellcheck", "false")
        field.fill("grace")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("str: 'grace'")).to_be_visible()

    def test_required_shows_a_message_at_the_field_until_filled(self, open_app, app_kind):
        def body():
            email = yield input("Email", required=True)
            put_text(f"email={email}")

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Submit").click()
        field = page.get_by_label("Email")
        expect(page.get_by_text("Please fill in this field")).to_be_visible()
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description("Please fill in this field")
        expect(field).to_be_focused()
        field.fill("ada@example.com")  # typing clears the error
        expect(page.get_by_text("Please fill in this field")).to_be_hidden()
        page.keyboard.press("Enter")
        expect(page.get_by_text("email=ada@example.com")).to_be_visible()

    def test_readonly_field_keeps_its_value(self, open_app):
        def app():
            data = input_group("Account", [input("User id", name="uid", value="u-42", readonly=True),
                                           input("Display name", name="name")])
            put_text(shown(data))

        page = open_app(app)
        expect(page.get_by_label("User id")).not_to_be_editable()
        expect(page.get_by_label("Display name")).to_be_focused()
        page.get_by_label("Display name").fill("Ada")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("dict: {'uid': 'u-42', 'name': 'Ada'}")).to_be_visible()

    def test_datalist_offers_suggestions(self, open_app):
        def app():
            fruit = input("Fruit", datalist=["apple", "banana", "cherry"])
            put_text(f"fruit={fruit}")

        page = open_app(app)
        field = page.get_by_label("Fruit")
        list_id = field.get_attribute("list")
        expect(page.locator(f"datalist#{list_id} option")).to_have_count(3)
        expect(page.locator(f"datalist#{list_id} option").nth(1)).to_have_attribute("value", "banana")
        field.fill("banana")
        page.keyboard.press("Enter")
        expect(page.get_by_text("fruit=banana")).to_be_visible()


class TestTypes:
    def test_number_returns_an_int_and_float_a_float(self, open_app, app_kind):
        def body():
            age = yield input("Age", type=NUMBER)
            put_text(shown(age))
            weight = yield input("Weight", type=FLOAT)
            put_text(shown(weight))
            whole = yield input("A float typed without a point", type=FLOAT)
            put_text(shown(whole))
            empty = yield input("Leave it empty", type=NUMBER)
            put_text(shown(empty))

        page = open_app(app_kind(body))
        expect(page.get_by_label("Age")).to_have_attribute("type", "number")
        page.get_by_label("Age").fill("42")
        page.keyboard.press("Enter")
        expect(page.get_by_text("int: 42")).to_be_visible()
        expect(page.get_by_label("Weight")).to_have_attribute("inputmode", "decimal")
        page.get_by_label("Weight").fill("61.5")
        page.keyboard.press("Enter")
        expect(page.get_by_text("float: 61.5")).to_be_visible()
        page.get_by_label("A float typed without a point").fill("3")
        page.keyboard.press("Enter")
        expect(page.get_by_text("float: 3.0")).to_be_visible()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("NoneType: None")).to_be_visible()

    def test_a_number_that_is_not_whole_is_refused_at_the_field(self, open_app):
        def app():
            put_text(shown(input("How many?", type=NUMBER)))
            put_text(shown(input("How much?", type=FLOAT)))

        page = open_app(app)
        page.get_by_label("How many?").fill("2.5")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Please enter a whole number")).to_be_visible()
        page.get_by_label("How many?").fill("3")
        page.keyboard.press("Enter")
        expect(page.get_by_text("int: 3")).to_be_visible()
        page.get_by_label("How much?").fill("a lot")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Please enter a number")).to_be_visible()
        page.get_by_label("How much?").fill("2,5")  # a decimal comma reads as a point
        page.keyboard.press("Enter")
        expect(page.get_by_text("float: 2.5")).to_be_visible()

    def test_every_input_type(self, open_app, app_kind):
        def body():
            data = yield input_group("Types", [
                input("Password", name="password", type=PASSWORD),
                input("Website", name="url", type=URL),
                input("Birthday", name="date", type=DATE),
                input("Alarm", name="time", type=TIME),
                input("Favourite colour", name="color", type=COLOR, value="#336699"),
                input("Meeting", name="dt", type=DATETIME_LOCAL),
            ])
            put_text(" | ".join(f"{k}={v}" for k, v in data.items()))

        page = open_app(app_kind(body))
        expect(page.get_by_label("Password")).to_have_attribute("type", "password")
        page.get_by_label("Password").fill("s3cret")
        expect(page.get_by_label("Website")).to_have_attribute("type", "url")
        page.get_by_label("Website").fill("https://example.com")
        page.get_by_label("Birthday").fill("1815-12-10")
        page.get_by_label("Alarm").fill("07:30")
        expect(page.get_by_label("Favourite colour")).to_have_value("#336699")
        page.get_by_label("Favourite colour").fill("#ff8800")
        page.get_by_label("Meeting").fill("2024-05-17T09:15")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("password=s3cret | url=https://example.com | date=1815-12-10 | time=07:30 | "
                                "color=#ff8800 | dt=2024-05-17T09:15")).to_be_visible()


class TestFocus:
    def test_input_auto_focus_can_be_turned_off(self, open_app):
        def app():
            set_env(input_auto_focus=False)
            put_text(input("Anything"))

        page = open_app(app)
        expect(page.get_by_label("Anything")).to_be_visible()
        expect(page.get_by_label("Anything")).not_to_be_focused()

    def test_the_form_is_labelled_by_its_title(self, open_app):
        def app():
            input_group("Shipping address", [input("Street", name="street"), input("Town", name="town")])

        page = open_app(app)
        form = page.get_by_role("form", name="Shipping address")
        expect(form).to_be_visible()
        expect(form.get_by_role("heading", name="Shipping address")).to_be_visible()
        expect(form.get_by_role("textbox")).to_have_count(2)


class TestValidate:
    def test_message_on_blur_and_on_submit_until_valid(self, open_app, app_kind):
        def check_age(age):
            if age < 10:
                return "Too young!!"
            if age > 60:
                return "Too old!!"

        def body():
            age = yield input("How old are you?", type=NUMBER, validate=check_age)
            put_text(f"age={age}")

        page = open_app(app_kind(body))
        field = page.get_by_label("How old are you?")
        field.fill("5")
        page.keyboard.press("Tab")  # leaving the field checks it
        expect(page.get_by_text("Too young!!")).to_be_visible()
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description("Too young!!")
        field.fill("70")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Too old!!")).to_be_visible()
        expect(field).to_be_visible()  # the form stays
        field.fill("30")
        page.keyboard.press("Tab")
        expect(page.get_by_text("Too old!!")).to_be_hidden()
        expect(field).not_to_have_attribute("aria-invalid", "true")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("age=30")).to_be_visible()

    def test_group_validate_points_at_a_field(self, open_app, app_kind):
        def check_form(data):
            if len(data["name"]) > 6:
                return ("name", "Name too long!")
            if data["age"] <= 0:
                return ("age", "Age can not be negative!")

        def body():
            data = yield input_group("Basic info", [input("Input your name", name="name"),
                                                    input("Input your age", name="age", type=NUMBER)],
                                     validate=check_form)
            put_text(f"{data['name']} is {data['age']}")

        page = open_app(app_kind(body))
        page.get_by_label("Input your name").fill("Alexander")
        page.get_by_label("Input your age").fill("-1")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_label("Input your name")).to_have_accessible_description("Name too long!")
        page.get_by_label("Input your name").fill("Alex")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_label("Input your age")).to_have_accessible_description("Age can not be negative!")
        page.get_by_label("Input your age").fill("30")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Alex is 30")).to_be_visible()

    def test_a_validate_function_that_raises_shows_a_generic_message(self, open_app):
        def app():
            value = input("Code", validate=lambda v: 1 / 0 if v == "boom" else None)
            put_text(f"code={value}")

        page = open_app(app)
        page.get_by_label("Code").fill("boom")
        page.keyboard.press("Enter")
        expect(page.get_by_text("Your input is not valid")).to_be_visible()
        page.get_by_label("Code").fill("fine")
        page.keyboard.press("Enter")
        expect(page.get_by_text("code=fine")).to_be_visible()


class TestAction:
    def test_action_button_fills_the_field(self, open_app, app_kind):
        def body():
            city = yield input("City", action=("Use my city", lambda set_value: set_value("Lyon")))
            put_text(f"city={city}")

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Use my city").click()
        expect(page.get_by_label("City")).to_have_value("Lyon")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("city=Lyon")).to_be_visible()

    def test_set_value_with_a_label_shows_the_label_and_returns_the_value(self, open_app, app_kind):
        def pick(set_value):
            set_value(("user", 42), label="Ada (id 42)")

        def body():
            who = yield input("Assignee", action=("Pick", pick))
            put_text(shown(who))

        page = open_app(app_kind(body))
        page.get_by_role("button", name="Pick").click()
        field = page.get_by_label("Assignee")
        expect(field).to_have_value("Ada (id 42)")
        expect(field).not_to_be_editable()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("tuple: ('user', 42)")).to_be_visible()


class TestLanguage:
    def test_chinese_browser_gets_chinese_buttons_and_messages(self, browser, serve):
        def app():
            put_text(input("名字", required=True))

        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(serve(app))
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_text("请填写此字段")).to_be_visible()
        expect(page.get_by_role("button", name="重置")).to_be_visible()
        page.get_by_label("名字").fill("小明")
        page.get_by_role("button", name="提交").click()
        expect(page.get_by_text("小明")).to_be_visible()
        context.close()

    def test_english_is_the_default(self, open_app):
        def app():
            input_group("Login", [input("User", name="user")], cancelable=True)

        page = open_app(app)
        buttons = page.get_by_role("form", name="Login").get_by_role("button")
        expect(buttons).to_have_text(["Submit", "Reset", "Cancel"])


def test_the_submitted_value_is_exactly_what_was_typed(open_app):
    text = "  spaces, \"quotes\", <tags> & ünïcödé — 中文 😀  "

    def app():
        value = input("Anything")
        put_text(repr(value))

    page = open_app(app)
    page.get_by_label("Anything").fill(text)
    page.keyboard.press("Enter")
    expect(page.get_by_text(repr(text))).to_be_visible()
    expect(page.locator("p.pwl-text")).to_have_text(re.compile(re.escape(repr(text))))


class TestLazyLoading:
    @staticmethod
    def loaded(page) -> list[str]:
        return page.evaluate("performance.getEntriesByType('resource').map(e => new URL(e.name).pathname)")

    def test_forms_load_with_the_first_form_and_the_editor_with_the_first_code_box(self, open_app):
        from pywebio_lite.input import textarea
        from pywebio_lite.output import put_buttons

        def app():
            put_buttons(["Ask"], onclick=lambda _: None)
            input("Plain question")
            textarea("Some code", code={"mode": "python"})

        page = open_app(app)
        expect(page.get_by_label("Plain question")).to_be_visible()
        files = self.loaded(page)
        # forms/index.js and its imports, linked into one file by the built-in server
        assert any(p.endswith("/js/forms/index.linked.js") for p in files)
        assert any(p.endswith("/css/forms.css") for p in files)
        assert not any("/js/editor/" in p or p.endswith("/highlight.js") for p in files)
        page.keyboard.press("Enter")
        expect(page.locator(".pwl-editor")).to_be_visible()
        assert any(p.endswith("/js/editor/editor.js") for p in self.loaded(page))

    def test_a_page_without_inputs_loads_none_of_it(self, open_app):
        def app():
            put_text("just output")

        page = open_app(app)
        expect(page.get_by_text("Session ended")).to_be_visible()
        assert not any("/forms" in p for p in self.loaded(page))
