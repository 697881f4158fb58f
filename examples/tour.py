"""A tour of every pywebio_lite output: text, markdown, code, tables, buttons, notices, images,
links, a data table, progress, spinners, layouts, collapsible and scrolling boxes, tabs, widgets, popups,
toasts, downloads and scopes.

Run it with ``python examples/tour.py`` and open http://localhost:8080/.
"""

import struct
import time
import zlib

from pywebio_lite import start_server
from pywebio_lite.output import (
    close_popup, output, popup, put_buttons, put_button, put_code, put_collapse, put_column, put_error,
    put_file, put_grid, put_html, put_image, put_info, put_link, put_loading, put_markdown, put_progressbar,
    put_row, put_scope, put_scrollable, put_success, put_table, put_tabs, put_text, put_warning, put_widget,
    set_progressbar, span, toast, use_scope, clear, put_datatable, datatable_remove,
)
from pywebio_lite.session import set_env

COLORS = ["primary", "secondary", "success", "danger", "warning", "info", "light", "dark"]


def gradient_png(width: int = 240, height: int = 120) -> bytes:
    """A small PNG (a colour gradient) made with the standard library."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)  # filter: none
        for x in range(width):
            rows += bytes((40 + 180 * x // width, 90 + 120 * y // height, 235 - 150 * x // width))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows)))
            + chunk(b"IEND", b""))


SVG_LOGO = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" rx="14" '
            b'fill="#2563eb"/><path d="M18 22l12 10-12 10M34 44h13" stroke="#fff" stroke-width="5" fill="none" '
            b'stroke-linecap="round" stroke-linejoin="round"/></svg>')


def section(title: str, intro: str = "") -> None:
    put_markdown(f"## {title}\n{intro}")


def tour():
    """pywebio_lite tour

    Every output function in one page.
    """
    set_env(title="pywebio_lite tour")
    put_markdown("""
    # pywebio_lite tour
    Every output function of the [PyWebIO](https://pywebio.readthedocs.io) programming model, drawn by a frontend that ships in the package: no CDN, works offline, light and dark themes.
    """)

    section("Text and markdown")
    put_text("put_text() shows plain text. <b>HTML</b> stays literal,\n    and line breaks and spaces are kept.")
    put_text("Inline texts", inline=True)
    put_text(" flow on one line.", inline=True)
    put_markdown("""
    **Markdown** is rendered on the server: *emphasis*, `code`, ~~strike~~ and [links](https://example.com).

    - lists
    - with items

    | Language | Typing  |
    |----------|---------|
    | Python   | dynamic |
    | Rust     | static  |

    > A block quote.

    ```python
    def greet(name: str) -> str:
        return f"Hello, {name}!"  # highlighted
    ```
    """)

    section("Code")
    put_code('''import json

def load(path):
    """Read a JSON file."""
    with open(path) as f:
        return json.load(f)   # returns a dict

print(load("config.json")["debug"], 42, None)''', language="python")
    put_code("SELECT name, price FROM products WHERE price > 10 ORDER BY price DESC;", language="sql")
    put_code("\n".join(f"line {i}: a long log line that keeps going" for i in range(1, 31)), rows=5)

    section("Tables", "Cells hold text or any output; `span()` merges cells.")
    put_table([
        ["Type", "Content"],
        ["html", put_html("X<sup>2</sup>")],
        ["text", "<hr/>"],
        ["buttons", put_buttons(["A", "B"], onclick=lambda v: toast(f"Clicked {v}"), small=True)],
        ["markdown", put_markdown("`Awesome PyWebIO!`")],
        ["file", put_file("hello.txt", b"hello world")],
        ["table", put_table([["A", "B"], ["C", "D"]])],
    ])
    put_table([
        ["Product", span("Price", col=2)],
        ["", "2023", "2024"],
        [span("Apple", row=2), "5.5", "6.0"],
        ["7.1", "7.4"],
    ])
    put_table([{"name": "Ada", "role": "engineer"}, {"name": "Grace", "role": "admiral"}])

    section("Data table", "`put_datatable()`: click a header to sort (Shift for several), type in a filter "
            "(`>40`, `=Oslo`), drag a header edge to resize, select rows and act on them. Built for a million rows.")
    cities = ["London", "Paris", "Oslo", "Lima", "Tokyo"]
    put_datatable(
        [{"id": i, "name": f"Person {i}", "city": cities[i % 5], "age": 20 + i * 7 % 50,
          "score": round(i * 37 % 1000 / 10, 1)} for i in range(1, 5001)],
        actions=[("Greet", lambda ids: toast(f"Hello, rows {ids}")), None,
                 ("Remove", lambda ids: datatable_remove("people", ids))],
        multiple_select=True, id_field="id", instance_id="people", height=360,
        column_args={"name": {"pinned": "left"}})

    section("Buttons")
    put_buttons([dict(label=c.capitalize(), value=c, color=c) for c in COLORS],
                onclick=lambda c: toast(f"{c} clicked", color="success" if c == "success" else "info"))
    put_buttons([dict(label=c.capitalize(), value=c, color=c) for c in COLORS], outline=True,
                onclick=lambda c: toast(f"outline {c}"))
    put_row([
        put_buttons(["Small", "Buttons"], onclick=lambda v: toast(v), small=True),
        put_buttons(["Left", "Middle", "Right"], onclick=lambda v: toast(v), group=True),
        put_buttons(["Link style"], onclick=lambda v: toast(v), link_style=True),
    ])
    put_button("Disabled", onclick=lambda: None, disabled=True, color="secondary")

    section("Notices")
    put_info("Info: something worth knowing.")
    put_success("Success: it worked.", closable=True)
    put_warning("Warning: ", put_markdown("mind the **markdown** inside."))
    put_error("Error: something went wrong.", closable=True)

    section("Images and links")
    put_row([
        put_image(gradient_png(), title="A gradient made with zlib", width="240px"),
        put_image(SVG_LOGO, title="An SVG logo", width="120px"),
    ], size="260px 1fr")
    put_link("Open the PyWebIO docs in a new tab", url="https://pywebio.readthedocs.io", new_window=True)
    put_link("Go to the index app", app="index")
    put_file("report.csv", b"name,score\nAda,10\nGrace,9\n", label="Download report.csv")

    section("Progress and loading")
    put_progressbar("tour-bar", 0.3, auto_close=False)
    put_progressbar("tour-labelled", 0.6, label="Step 3 of 5")

    def advance():
        for i in range(31, 101, 3):
            set_progressbar("tour-bar", i / 100)
            time.sleep(0.03)
        set_progressbar("tour-bar", 1)
    put_button("Run the progress bar", onclick=advance, small=True)
    put_row([put_loading(shape=shape, color=c) for shape in ("border", "grow") for c in ("primary", "success", "dark")]
            ).style("max-width: 420px")

    section("Layout")
    put_row([
        put_column([put_code("A"), None, put_row([put_code("B1"), None, put_code("B2")]), None, put_code("C")]),
        None,
        put_code("D"),
        None,
        put_code("E"),
    ])
    put_grid([
        [put_text("1"), put_text("2"), put_text("3")],
        [span(put_text("4 (two columns)"), col=2), put_text("5")],
    ], cell_width="1fr", cell_height="auto").style("gap: 8px")
    put_text("hello").style("color: var(--primary); font-size: 20px; font-weight: 600")

    section("Containers")
    put_collapse("A collapsible section", [put_text("Hidden until opened."), put_markdown("- even **markdown**")])
    put_collapse("Open by default", put_text("Shown at once."), open=True)
    with put_scrollable(height=(80, 160), keep_bottom=True):
        for i in range(1, 13):
            put_text(f"log line {i}")
    put_tabs([
        {"title": "Overview", "content": put_markdown("Tabs hold **any** output.")},
        {"title": "Table", "content": put_table([["k", "v"], ["a", "1"]])},
        {"title": "Code", "content": put_code("print('tab')", "python")},
    ])

    section("Widgets")
    put_widget("""
<div class="card" style="border:1px solid var(--border);border-radius:8px;padding:12px 16px">
  <strong>{{title}}</strong>
  {{#contents}}<div>{{& pywebio_output_parse}}</div>{{/contents}}
</div>""", {"title": "A custom widget", "contents": [put_text("with outputs inside"), put_markdown("*and markdown*")]})
    put_html('<p id="tour-script">Scripts in put_html run:</p>'
             '<script>document.getElementById("tour-script").append(" yes, at " + new Date().toLocaleTimeString())</script>')

    section("Popups and toasts")

    def show_popup():
        popup("A popup", [
            put_html("<h3>Popup content</h3>"),
            "plain html: <br/>",
            put_table([["A", "B"], ["C", "D"]]),
            put_buttons(["close_popup()"], onclick=lambda _: close_popup()),
        ])
    put_buttons(["Open a popup", "Small popup", "Large popup"], onclick=[
        show_popup,
        lambda: popup("Small", "A small popup.", size="small"),
        lambda: popup("Large", put_markdown("A **large** popup for wide content."), size="large"),
    ])
    put_buttons([f"Toast {p}" for p in ("left", "center", "right")] + ["Sticky toast"], onclick=[
        lambda: toast("Left toast", position="left", color="success"),
        lambda: toast("Center toast"),
        lambda: toast("Right toast", position="right", color="warn"),
        lambda: toast("Click me (stays until closed)", duration=0, color="#6d28d9",
                      onclick=lambda: put_text("The sticky toast was clicked", scope="tour-scope")),
    ])

    section("Scopes")
    put_scope("tour-scope", [put_text("Output in a named scope.")])
    handle = output("Coding")
    put_table([["Name", "Hobbies"], ["Wang", handle]])
    handle.reset("Movie")
    handle.append("Music", put_text("Drama"))
    handle.insert(0, put_markdown("**Coding**"))

    @use_scope("clock", clear=True)
    def show_time():
        put_text(time.strftime("Clicked at %H:%M:%S"))
    put_buttons(["Show the time", "Clear scope"], onclick=[show_time, lambda: clear("tour-scope")])
    show_time()


if __name__ == "__main__":
    start_server(tour, port=8080)
