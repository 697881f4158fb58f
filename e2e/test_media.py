"""put_image, put_link, put_file (download)."""
import base64

from playwright.sync_api import expect

from pywebio_lite.output import put_file, put_image, put_link, put_text
from pywebio_lite.session import go_app

# A 2x1 PNG: one red pixel, one blue.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAIAAAB7QOjdAAAAEElEQVR4nGP4z8DAwMDAAAAU/wH/9Ky1SwAAAABJRU5ErkJggg==")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="teal"/></svg>'


def test_put_image_from_bytes(open_app):
    def app():
        put_image(PNG, title="Two pixels", width="120px")
        put_image(SVG, title="An SVG")

    page = open_app(app)
    img = page.get_by_role("img", name="Two pixels")
    expect(img).to_have_attribute("title", "Two pixels")
    expect(img).to_have_attribute("src", "data:image/png;base64," + base64.b64encode(PNG).decode())
    expect(img).to_have_js_property("complete", True)
    assert img.evaluate("img => [img.naturalWidth, img.offsetWidth]") == [2, 120]
    svg = page.get_by_role("img", name="An SVG")
    expect(svg).to_have_attribute("src", "data:image/svg+xml;base64," + base64.b64encode(SVG).decode())
    expect(svg).to_have_js_property("naturalWidth", 40)


def test_put_image_from_a_url(open_app, tmp_path):
    (tmp_path / "pixel.png").write_bytes(PNG)

    def app():
        put_image("/static/pixel.png", title="From a URL", height="30")

    page = open_app(app, static_dir=str(tmp_path))
    img = page.get_by_role("img", name="From a URL")
    expect(img).to_have_js_property("naturalWidth", 2)
    assert img.evaluate("img => img.offsetHeight") == 30


def test_put_link(open_app):
    def app():
        put_link("Docs", url="https://pywebio.readthedocs.io")
        put_link("New tab", url="https://example.com/", new_window=True)
        put_link("Other app", app="other")

    def other():
        put_text("this is the other app")

    page = open_app({"index": app, "other": other})
    expect(page.get_by_role("link", name="Docs")).to_have_attribute("href", "https://pywebio.readthedocs.io")
    new_tab = page.get_by_role("link", name="New tab")
    expect(new_tab).to_have_attribute("target", "_blank")
    expect(new_tab).to_have_attribute("rel", "noopener")
    app_link = page.get_by_role("link", name="Other app")
    expect(app_link).to_have_attribute("href", "?app=other")
    app_link.click()
    expect(page.get_by_text("this is the other app")).to_be_visible()
    assert page.url.endswith("/?app=other")


def test_go_app(open_app):
    def app():
        go_app("second", new_window=False)

    def second():
        put_text("arrived in the second app")

    page = open_app({"index": app, "second": second})
    expect(page.get_by_text("arrived in the second app")).to_be_visible()


def test_put_file_downloads(open_app, tmp_path):
    def app():
        put_file("hello_word.txt", b"hello word!")
        put_file("data.bin", bytes(range(256)), label="Binary data")

    page = open_app(app)
    with page.expect_download() as info:
        page.get_by_role("button", name="hello_word.txt").click()
    download = info.value
    assert download.suggested_filename == "hello_word.txt"
    download.save_as(tmp_path / "a.txt")
    assert (tmp_path / "a.txt").read_bytes() == b"hello word!"
    with page.expect_download() as info:
        page.get_by_role("button", name="Binary data").click()
    info.value.save_as(tmp_path / "b.bin")
    assert (tmp_path / "b.bin").read_bytes() == bytes(range(256))
