"""The page knows the server's text message limit (page config) and refuses an oversized value at
its field, with a visible message, instead of sending it and losing the connection."""
import json

from playwright.sync_api import expect

from pywebio_lite.input import input_group, textarea
from pywebio_lite.output import put_text

LIMIT = 2000  # bytes; a field may carry up to LIMIT - 1024 (room for the frame around it)


class TestTextLimitAtTheField:
    def test_a_too_long_value_is_refused_at_its_field_and_a_shorter_one_goes(self, open_app, shot, app_kind):
        def body():
            text = yield textarea("Your essay")
            put_text(f"received {len(text)} characters")

        page = open_app(app_kind(body), max_text_message_size=LIMIT)
        field = page.get_by_label("Your essay")
        field.fill("x" * 3000)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("This is too long to send: 2.9 KB (the limit is 976 B)")).to_be_visible()
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_be_focused()
        shot(page, "limits-too-long")
        field.fill("y" * 900)
        expect(page.get_by_text("This is too long to send")).to_have_count(0)  # editing clears it
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("received 900 characters")).to_be_visible()  # same connection

    def test_multibyte_text_is_counted_in_bytes(self, open_app):
        def app():
            text = textarea("Poem")
            put_text(f"got {len(text)}")

        page = open_app(app, max_text_message_size=LIMIT)
        page.get_by_label("Poem").fill("é" * 600)  # 600 characters, 1,200 bytes
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("This is too long to send: 1.2 KB")).to_be_visible()
        page.get_by_label("Poem").fill("é" * 400)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("got 400")).to_be_visible()

    def test_fields_that_fit_alone_but_not_together_mark_the_biggest(self, open_app, shot):
        def app():
            data = input_group("Two parts", [textarea("First part", name="a"),
                                             textarea("Second part", name="b")])
            put_text(f"parts {len(data['a'])} + {len(data['b'])}")

        page = open_app(app, max_text_message_size=LIMIT)
        page.get_by_label("First part").fill("a" * 500)
        page.get_by_label("Second part").fill("b" * 600)
        page.get_by_role("button", name="Submit").click()
        second = page.get_by_label("Second part")
        expect(second).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("First part")).not_to_have_attribute("aria-invalid", "true")
        expect(page.get_by_text("The fields are too long to send together: 1.1 KB (the limit is 976 B)")).to_be_visible()
        shot(page, "limits-together")
        second.fill("b" * 300)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("parts 500 + 300")).to_be_visible()

    def test_the_page_config_carries_the_default_limit(self, open_app):
        def app():
            put_text("hello")

        page = open_app(app)
        expect(page.get_by_text("hello")).to_be_visible()
        config = json.loads(page.locator("body").get_attribute("data-config"))
        assert config["max_text_size"] == 1024 * 1024
