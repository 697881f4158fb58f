"""path_deploy_http: the built-in server carrying path_deploy's sessions over HTTP long-polling."""
from playwright.sync_api import expect

from hosts import greet_and_wave

from pywebio_lite.platform.path_deploy import make_path_server

APP = '''
from pywebio_lite.input import input as ask, file_upload
from pywebio_lite.output import put_text, put_buttons
from pywebio_lite.session import info

def main():
    put_text("over " + info.protocol)
    name = ask("Your name")
    put_text("Hello, " + name)
    put_buttons(["Wave"], onclick=lambda _: put_text("waved back"))
    f = file_upload("A file")
    put_text(f["filename"] + " arrived")
'''


def test_an_app_file_over_long_polling(tmp_path, serve_server, page, page_errors):
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "greet.py").write_text(APP)
    (tmp_path / "notes.txt").write_text("x" * 1000)
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    base = serve_server(make_path_server(str(tmp_path), host="127.0.0.1", http=True))
    page.goto(base + "tools/greet")
    expect(page.get_by_text("over http")).to_be_visible()
    greet_and_wave(page, "Pat")
    page.get_by_label("A file").set_input_files(str(tmp_path / "notes.txt"))
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("notes.txt arrived")).to_be_visible()
    assert sockets == []
