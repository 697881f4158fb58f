"""The page's own labels in the browser's language, or the app's choice (config / set_env)."""
import pytest
from playwright.sync_api import expect

from pywebio_lite.input import NUMBER, file_upload, input
from pywebio_lite.output import put_text
from pywebio_lite.platform.page import config
from pywebio_lite.session import set_env


@pytest.fixture
def in_locale(browser, serve):
    """in_locale(app, locale) -> a page of a browser whose language is `locale`."""
    contexts = []

    def go(app, locale):
        context = browser.new_context(locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto(serve(app))
        return page

    yield go
    for context in contexts:
        context.close()


@pytest.mark.parametrize("locale,submit,reset,integer,ended", [
    ("zh-CN", "提交", "重置", "请输入整数", "会话已结束"),
    ("de-DE", "Absenden", "Zurücksetzen", "Bitte geben Sie eine ganze Zahl ein", "Sitzung beendet"),
    ("fr-FR", "Envoyer", "Réinitialiser", "Veuillez saisir un nombre entier", "Session terminée"),
    ("en-US", "Submit", "Reset", "Please enter a whole number", "Session ended"),
])
def test_labels_follow_the_browser_language(in_locale, locale, submit, reset, integer, ended):
    def app():
        put_text(f"n={input('N', type=NUMBER)}")

    page = in_locale(app, locale)
    expect(page.get_by_role("button", name=reset)).to_be_visible()
    page.get_by_label("N").fill("2.5")
    page.get_by_role("button", name=submit).click()
    expect(page.get_by_text(integer)).to_be_visible()
    page.get_by_label("N").fill("3")
    page.get_by_role("button", name=submit).click()
    expect(page.get_by_text("n=3")).to_be_visible()
    expect(page.get_by_text(ended)).to_be_visible()


def test_server_messages_follow_the_browser_language(in_locale):
    def app():
        input("Code", validate=lambda v: 1 / 0)

    page = in_locale(app, "de-DE")
    page.get_by_label("Code").fill("boom")
    page.get_by_role("button", name="Absenden").click()
    expect(page.get_by_text("Ihre Eingabe ist ungültig")).to_be_visible()


def test_the_app_chooses_with_config(in_locale):
    @config(language="ja")
    def app():
        file_upload("File")

    page = in_locale(app, "en-US")
    expect(page.get_by_role("button", name="送信")).to_be_visible()
    expect(page.get_by_text("ファイルを選択")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "ja")


def test_the_app_switches_with_set_env(in_locale):
    def app():
        input("First")
        set_env(language="es")
        input("Second", validate=lambda v: 1 / 0)

    page = in_locale(app, "en-US")
    page.get_by_label("First").fill("a")
    page.get_by_role("button", name="Submit").click()
    page.get_by_label("Second").fill("b")
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_text("Su entrada no es válida")).to_be_visible()
    expect(page.get_by_role("button", name="Restablecer")).to_be_visible()
