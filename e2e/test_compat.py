"""PyWebIO code runs unchanged (issue 12), in Chromium: an image with onclick is still an image,
a press on the code editor's text places the caret, the output() placeholder, headless Chrome's
user agent, PyWebIO's DOM hooks, the `WebIO` global and our small `$` in run_js.
"""
import base64

from playwright.sync_api import expect

from pywebio_lite.input import NUMBER, input, textarea
from pywebio_lite.output import output, put_buttons, put_image, put_text, use_scope
from pywebio_lite.platform.page import config
from pywebio_lite.session import eval_js, info, run_js

PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAU/wH/9Ky1SwAAAABJRU5ErkJggg==")


class TestBehaviour:
    def test_image_with_onclick_keeps_its_role_and_answers_clicks_and_keys(self, open_app):
        def app():
            put_image(PNG, title="Logo", width="80px").onclick(lambda: put_text("logo clicked"))
            put_text("Plain").onclick(lambda: put_text("text clicked"))

        page = open_app(app)
        logo = page.get_by_role("img", name="Logo")
        expect(logo).to_contain_class("pywebio-clickable")
        logo.click()
        expect(page.get_by_text("logo clicked")).to_be_visible()
        logo.focus()
        page.keyboard.press("Enter")
        expect(page.get_by_text("logo clicked")).to_have_count(2)
        page.get_by_role("button", name="Plain").click()  # a text box has no role: it becomes a button
        expect(page.get_by_text("text clicked")).to_be_visible()

    def test_number_input_with_a_numeric_string_value(self, open_app):
        def app():
            put_text(repr(input("Age", type=NUMBER, value="42")))

        page = open_app(app)
        expect(page.get_by_label("Age")).to_have_value("42")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("42", exact=True)).to_be_visible()

    def test_clicking_the_visible_code_puts_the_caret_there(self, open_app):
        def app():
            put_text(repr(textarea("Code", code={"mode": "python"}, value="alpha = 1\nbeta = 2\ngamma = 3")))

        page = open_app(app)
        editor = page.get_by_label("Code")
        expect(page.locator(".pwl-editor")).to_be_visible()
        page.get_by_text("beta = 2").click(position={"x": 2, "y": 5})  # at the start of the line
        expect(editor).to_be_focused()
        page.keyboard.type("# ")
        expect(editor).to_have_value("alpha = 1\n# beta = 2\ngamma = 3")
        page.get_by_text("gamma = 3").dblclick(position={"x": 4, "y": 5})  # a word
        page.keyboard.type("delta")
        expect(editor).to_have_value("alpha = 1\n# beta = 2\ndelta = 3")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(repr("alpha = 1\n# beta = 2\ndelta = 3"))).to_be_visible()

    def test_a_right_press_on_the_code_opens_the_textareas_menu(self, open_app):
        def app():
            textarea("Code", code={"mode": "python"}, value="alpha = 1\nbeta = 2")

        page = open_app(app)
        expect(page.locator(".pwl-editor")).to_be_visible()
        page.evaluate("""() => document.addEventListener('contextmenu', (ev) => {
            document.body.dataset.menuOn = ev.target.tagName; ev.preventDefault(); })""")
        page.get_by_text("beta = 2").click(button="right", position={"x": 2, "y": 5})
        expect(page.locator("body")).to_have_attribute("data-menu-on", "TEXTAREA")  # it has Paste
        expect(page.get_by_label("Code")).to_be_focused()
        page.keyboard.type("# ")
        expect(page.get_by_label("Code")).to_have_value("alpha = 1\n# beta = 2")
        page.get_by_text("alpha = 1").click(position={"x": 2, "y": 5})  # left presses work again after
        page.keyboard.type("x")
        expect(page.get_by_label("Code")).to_have_value("xalpha = 1\n# beta = 2")

    def test_output_placeholder_shown_goes_to_the_current_scope(self, open_app):
        def app():
            put_text("Top")
            with use_scope("box"):
                hobby = output(put_text("Coding"))
                hobby.show()
            output(put_text("Dropped as a statement"))
            put_buttons(["More"], onclick=lambda _: hobby.append(put_text("Music")))

        page = open_app(app)
        box = page.locator("#pywebio-scope-box")
        expect(box.get_by_text("Coding")).to_be_visible()
        expect(page.get_by_text("Dropped as a statement")).to_be_visible()
        page.get_by_role("button", name="More").click()
        expect(box.get_by_text("Music")).to_be_visible()

    def test_headless_chrome_is_a_pc_not_a_bot(self, open_app):
        def app():
            ua = info.user_agent
            put_text(f"{ua.browser.family} pc={ua.is_pc} bot={ua.is_bot} mobile={ua.is_mobile}")

        page = open_app(app)
        expect(page.get_by_text("HeadlessChrome pc=True bot=False mobile=False")).to_be_visible()


class TestPageHooks:
    def test_pywebio_dom_hooks(self, open_app):
        from pywebio_lite.input import input as ask

        @config(theme="dark")
        def app():
            put_text("Hello")
            ask("Name")

        page = open_app(app)
        expect(page.locator("#output-container #markdown-body #pywebio-scope-ROOT")).to_contain_text("Hello")
        expect(page.locator("#input-container #input-cards").get_by_label("Name")).to_be_visible()
        expect(page.locator("body")).to_have_class("webio-theme-dark")

    def test_webio_on_session_close(self, open_app):
        def app():
            run_js("WebIO._state.CurrentSession.on_session_close(() => { document.title = 'closed!'; })")
            put_text("Bye")

        page = open_app(app)
        expect(page.get_by_text("Bye")).to_be_visible()
        expect(page).to_have_title("closed!")  # the app ended: the session closed

    def test_webio_open_app(self, open_app):
        def index():
            put_buttons(["Go"], onclick=lambda _: run_js("WebIO.openApp('other', false)"))

        def other():
            put_text("The other app")

        page = open_app({"index": index, "other": other})
        page.get_by_role("button", name="Go").click()
        expect(page.get_by_text("The other app")).to_be_visible()
        assert "app=other" in page.url

    def test_dollar_in_run_js(self, open_app):
        def app():
            put_buttons(["Save", "Delete"], onclick=lambda _: None)
            put_text("status: idle")
            run_js("""$("button:contains(Delete)").css({"background-color": "rgb(200, 0, 0)", "border-width": 3})
                      .attr("data-danger", "yes").addClass("x-danger");
                      $("p:contains('status')").text("status: ready").on("click", function () {
                          $(this).toggleClass("x-on").data("n", ($(this).data("n") || 0) + 1);
                          $(this).text("clicks: " + $(this).data("n"));
                      });
                      $("#pywebio-scope-ROOT").append("<p id='made'>made by $</p>");
                      $("#made").hide();""")
            put_text(repr(eval_js("[typeof jQuery, $('button').length, $('#made').css('display'), "
                                  "$('#pywebio-scope-ROOT').find('p').first().text()]")))

        page = open_app(app)
        delete = page.get_by_role("button", name="Delete")
        expect(delete).to_have_css("background-color", "rgb(200, 0, 0)")
        expect(delete).to_have_css("border-top-width", "3px")
        expect(delete).to_have_attribute("data-danger", "yes")
        expect(page.get_by_role("button", name="Save")).not_to_have_attribute("data-danger", "yes")
        expect(page.get_by_text("['function', 2, 'none', 'status: ready']")).to_be_visible()
        page.get_by_text("status: ready", exact=True).click()
        expect(page.get_by_text("clicks: 1")).to_contain_class("x-on")
        page.get_by_text("clicks: 1").click()
        expect(page.get_by_text("clicks: 2")).to_be_visible()
        expect(page.get_by_text("made by $")).to_be_hidden()

    def test_dollar_in_a_put_html_script(self, open_app):
        from pywebio_lite.output import put_html

        def app():
            put_html('<p id="note">plain</p><script>$("#note").text("set by $").addClass("x-done")</script>')

        page = open_app(app)
        expect(page.get_by_text("set by $")).to_contain_class("x-done")

    def test_dollar_is_loaded_only_when_a_script_uses_it(self, open_app):
        def app():
            run_js("document.title = 'no dollar here'")
            put_text("done")

        page = open_app(app)
        expect(page).to_have_title("no dollar here")
        expect(page.get_by_text("Session ended")).to_be_visible()
        assert page.evaluate("() => [typeof window.jQuery, typeof window.$]") == ["undefined", "undefined"]
        files = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
        assert not any(f.endswith("/js/dollar.js") for f in files)

    def test_dollar_in_the_apps_js_code(self, open_app):
        @config(js_code="$(function () { $('body').attr('data-ready', 'yes'); });")
        def app():
            put_text("hi")

        page = open_app(app)
        expect(page.locator("body")).to_have_attribute("data-ready", "yes")
