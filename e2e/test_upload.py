"""file_upload() and put_file_upload(): files chosen like a person does, sent in chunks, checked
against max_size / max_total_size at the field, and arriving intact (size and hash)."""
import hashlib
import os

import pytest
from playwright.sync_api import expect

from pywebio_lite.input import file_upload, input, input_group
from pywebio_lite.output import put_buttons, put_text
from pywebio_lite.pin import pin, put_file_upload


def describe(f) -> str:
    """What the apps print for an uploaded file."""
    if f is None:
        return "no file"
    digest = hashlib.sha256(f["content"]).hexdigest()[:16]
    return f"{f['filename']} {len(f['content'])} bytes {f['mime_type']} sha={digest}"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


@pytest.fixture
def files(tmp_path):
    """make(name, content) -> path of a file in a temporary folder."""
    def make(name: str, content: bytes):
        path = tmp_path / name
        path.write_bytes(content)
        return path
    return make


class TestSingle:
    def test_upload_a_file(self, open_app, app_kind, files):
        content = b"hello, world\n" * 100

        def body():
            f = yield file_upload("Select a file:")
            put_text(describe(f))
            put_text(f"last_modified is a {type(f['last_modified']).__name__}")

        page = open_app(app_kind(body))
        page.get_by_label("Select a file:").set_input_files(files("greeting.txt", content))
        expect(page.get_by_text("greeting.txt")).to_be_visible()  # the chosen file is shown
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"greeting.txt 1300 bytes text/plain sha={sha(content)}")).to_be_visible()
        expect(page.get_by_text("last_modified is a float")).to_be_visible()

    def test_no_file_gives_none_and_required_asks_for_one(self, open_app, files):
        def app():
            put_text(describe(file_upload("Optional file")))
            put_text(describe(file_upload("Needed file", required=True)))

        page = open_app(app)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("no file")).to_be_visible()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("Please fill in this field")).to_be_visible()
        page.get_by_label("Needed file").set_input_files(files("n.bin", b"\x00\x01"))
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"n.bin 2 bytes application/octet-stream sha={sha(bytes([0, 1]))}")).to_be_visible()

    def test_an_empty_file(self, open_app, files):
        def app():
            put_text(describe(file_upload("Anything")))

        page = open_app(app)
        page.get_by_label("Anything").set_input_files(files("empty.txt", b""))
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"empty.txt 0 bytes text/plain sha={sha(b'')}")).to_be_visible()

    def test_accept_and_placeholder(self, open_app):
        def app():
            file_upload("Select an image:", accept="image/*", placeholder="Pick a picture")

        page = open_app(app)
        expect(page.get_by_label("Select an image:")).to_have_attribute("accept", "image/*")
        expect(page.get_by_text("Pick a picture")).to_be_visible()


class TestMultiple:
    def test_several_files_come_back_as_a_list(self, open_app, app_kind, files):
        a, b = b"first file", os.urandom(300_000)  # b takes two chunks

        def body():
            fs = yield file_upload("Attachments", accept=[".txt", ".bin"], multiple=True)
            put_text(f"{len(fs)} files: " + "; ".join(describe(f) for f in fs))

        page = open_app(app_kind(body))
        field = page.get_by_label("Attachments")
        expect(field).to_have_attribute("accept", ".txt,.bin")
        field.set_input_files([files("a.txt", a), files("b.bin", b)])
        expect(page.get_by_text("2 files", exact=True)).to_be_visible()
        expect(page.get_by_role("listitem")).to_have_count(2)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"2 files: a.txt 10 bytes text/plain sha={sha(a)}; "
                                f"b.bin 300000 bytes application/octet-stream sha={sha(b)}")).to_be_visible()

    def test_no_files_is_an_empty_list(self, open_app):
        def app():
            put_text(repr(file_upload("Attachments", multiple=True)))

        page = open_app(app)
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("[]", exact=True)).to_be_visible()


class TestLimits:
    def test_a_file_over_max_size_is_refused_at_the_field(self, open_app, app_kind, files):
        def body():
            f = yield file_upload("Avatar", max_size="1K")
            put_text(describe(f))

        page = open_app(app_kind(body))
        field = page.get_by_label("Avatar")
        field.set_input_files(files("big.png", b"x" * 2048))
        expect(page.get_by_text("The file is too big: 2.0 KB (the limit is 1.0 KB)")).to_be_visible()
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_accessible_description("The file is too big: 2.0 KB (the limit is 1.0 KB)")
        # the form stays usable: choose a smaller file and send it
        field.set_input_files(files("small.png", b"y" * 1000))
        expect(page.get_by_text("The file is too big")).to_be_hidden()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"small.png 1000 bytes image/png sha={sha(b'y' * 1000)}")).to_be_visible()

    def test_files_over_max_total_size_are_refused(self, open_app, files):
        def app():
            fs = file_upload("Photos", multiple=True, max_total_size="3K")
            put_text(f"{len(fs)} files")

        page = open_app(app)
        field = page.get_by_label("Photos")
        field.set_input_files([files("1.jpg", b"a" * 2048), files("2.jpg", b"b" * 2048)])
        expect(page.get_by_text("The files are too big together: 4.0 KB (the limit is 3.0 KB)")).to_be_visible()
        field.set_input_files([files("1.jpg", b"a" * 2048)])
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("1 files")).to_be_visible()


class TestBig:
    def test_a_20_mb_file_arrives_intact(self, open_app, app_kind, tmp_path):
        path = tmp_path / "big.bin"
        digest = hashlib.sha256()
        with path.open("wb") as out:
            for _ in range(20):
                block = os.urandom(1 << 20)
                digest.update(block)
                out.write(block)

        def body():
            f = yield file_upload("Big file")
            put_text(f"got {len(f['content'])} bytes, sha256 {hashlib.sha256(f['content']).hexdigest()}")

        page = open_app(app_kind(body))
        page.get_by_label("Big file").set_input_files(path)
        expect(page.get_by_text("20.0 MB")).to_be_visible()
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"got {20 << 20} bytes, sha256 {digest.hexdigest()}")).to_be_visible()

    def test_a_resubmit_after_an_error_sends_the_files_again(self, open_app, files):
        content = os.urandom(600_000)

        def app():
            data = input_group("Report", [
                file_upload("Attachment", name="file", max_total_size="1M"),  # holds one copy, not two
                input("Title", name="title", validate=lambda t: None if t else "A title please"),
            ])
            put_text(f"{data['title']}: {describe(data['file'])}")

        page = open_app(app)
        page.get_by_label("Attachment").set_input_files(files("data.bin", content))
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text("A title please")).to_be_visible()
        page.get_by_label("Title").fill("Q3")
        page.get_by_role("button", name="Submit").click()
        expect(page.get_by_text(f"Q3: data.bin 600000 bytes application/octet-stream sha={sha(content)}")).to_be_visible()


class TestFilePin:
    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_reading_a_file_pin_uploads_its_file(self, open_app, files, kind):
        content = os.urandom(400_000)

        def thread_read(_):
            put_text("pin: " + describe(pin.doc))

        async def coroutine_read(_):
            put_text("pin: " + describe(await pin.doc))

        def app():
            put_file_upload("doc", label="Document", max_size="1M")
            put_buttons(["Read it"], onclick=thread_read if kind == "thread" else coroutine_read)

        async def coroutine_app():
            app()

        page = open_app(app if kind == "thread" else coroutine_app)
        page.get_by_role("button", name="Read it").click()
        expect(page.get_by_text("pin: no file")).to_be_visible()
        page.get_by_label("Document").set_input_files(files("doc.pdf", content))
        page.get_by_role("button", name="Read it").click()
        expect(page.get_by_text(f"pin: doc.pdf 400000 bytes application/pdf sha={sha(content)}")).to_be_visible()
        page.get_by_role("button", name="Read it").click()  # read again: uploaded again
        expect(page.get_by_text(f"pin: doc.pdf 400000 bytes application/pdf sha={sha(content)}")).to_have_count(2)

    def test_a_file_pin_refuses_a_file_over_max_size(self, open_app, files):
        def app():
            put_file_upload("doc", label="Small document", max_size=100)

        page = open_app(app)
        page.get_by_label("Small document").set_input_files(files("a.txt", b"z" * 200))
        expect(page.get_by_text("The file is too big: 200 B (the limit is 100 B)")).to_be_visible()
