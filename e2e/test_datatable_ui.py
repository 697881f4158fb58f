"""put_datatable in Chromium: the grid a person sees, found by role and text.

Covers loading on demand, virtual scrolling (rows and columns), chunks, sorting, filtering, resize,
pinning, selection (single, multiple, keyboard), actions, the cell content bar, column_args and
grid_args, datatable_update/insert/remove, the ag_grid_<id>_promise API, escaping and the themes.
"""
import re

import pytest
from playwright.sync_api import expect

from pywebio_lite import datatable as dt
from pywebio_lite.output import (JSFunction, datatable_insert, datatable_remove, datatable_update, put_datatable,
                                 put_text)
from pywebio_lite.session import hold

PEOPLE = [
    {"name": "Ada", "age": 36, "city": "London"},
    {"name": "Alan", "age": 41, "city": "Manchester"},
    {"name": "Grace", "age": 85, "city": "New York"},
    {"name": "Linus", "age": 28, "city": "Helsinki"},
    {"name": "Barbara", "age": 62, "city": "Boston"},
]


def names(grid, colindex=1):
    """The texts of one column (aria-colindex), top to bottom, of the rows in the DOM."""
    return grid.locator(".pwl-dt-body [role=row]:not([hidden])").evaluate_all(
        "(rows, k) => rows.sort((a, b) => a.getAttribute('aria-rowindex') - b.getAttribute('aria-rowindex'))"
        ".map(r => r.querySelector(`[role=gridcell][aria-colindex='${k}']`).textContent)", colindex)


def row_of(grid, text):
    return grid.get_by_role("row").filter(has=grid.page.get_by_role("gridcell", name=text, exact=True))


def cell(grid, text):
    return grid.get_by_role("gridcell", name=text, exact=True)


def resources(page):
    return page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")


# ---------------------------------------------------------------------------- showing
def test_grid_roles_headers_and_cells(open_app):
    def app():
        put_datatable([{"name": "Ada", "contact": {"email": "ada@x.org", "city": "London"}, "first_name": "A"}])

    page = open_app(app)
    grid = page.get_by_role("grid", name="Data table")
    expect(cell(grid, "ada@x.org")).to_be_visible()
    expect(grid.get_by_role("columnheader", name="Contact")).to_be_visible()  # the group header
    expect(grid.get_by_role("columnheader", name="Email")).to_be_visible()
    expect(grid.get_by_role("columnheader", name="First name")).to_be_visible()  # titled like PyWebIO
    expect(grid.get_by_role("columnheader", name="Contact")).to_have_attribute("aria-colspan", "2")
    expect(grid).to_have_attribute("aria-rowcount", "4")  # group row, header row, filter row, 1 row
    expect(page.get_by_text("1 row", exact=True)).to_be_visible()


def test_loaded_only_when_a_page_shows_one(open_app, page, serve):
    def app():
        put_text("plain")
        hold()

    page.goto(serve(app))
    expect(page.get_by_text("plain")).to_be_visible()
    assert not any("datatable" in url for url in resources(page))

    def with_table():
        put_datatable(PEOPLE)

    page.goto(serve(with_table))
    expect(cell(page.get_by_role("grid"), "Grace")).to_be_visible()
    loaded = resources(page)
    assert any(url.endswith("/css/datatable.css") for url in loaded)
    assert any(url.endswith("/js/datatable/grid.js") for url in loaded)


def test_cell_text_is_escaped(open_app):
    def app():
        put_datatable([{"html": "<b>bold</b><img src=x onerror=alert(1)>"}])

    page = open_app(app)
    grid = page.get_by_role("grid")
    expect(cell(grid, "<b>bold</b><img src=x onerror=alert(1)>")).to_be_visible()
    expect(grid.locator("b, img")).to_have_count(0)


def test_empty_table_says_so(open_app):
    page = open_app(lambda: put_datatable([], column_order=["name", "age"]))
    grid = page.get_by_role("grid")
    expect(grid.get_by_role("columnheader", name="Age")).to_be_visible()
    expect(page.get_by_text("No rows to show")).to_be_visible()
    expect(page.get_by_text("0 rows", exact=True)).to_be_visible()


# ---------------------------------------------------------------------------- big data
@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_virtual_rows_chunks_and_scrolling_to_the_end(open_app, kind):
    n = dt.FIRST_ROWS + 2 * dt.CHUNK_ROWS + 7
    records = [{"name": f"Row {i}", "value": i} for i in range(n)]

    if kind == "thread":
        def app():
            put_datatable(records, height=400)
    else:
        async def app():
            put_datatable(records, height=400)

    page = open_app(app)
    grid = page.get_by_role("grid")
    expect(cell(grid, "Row 0")).to_be_visible()
    expect(page.get_by_text(f"{n:,} rows", exact=True)).to_be_visible()  # every chunk arrived
    expect(grid).to_have_attribute("aria-busy", "false")
    assert grid.locator(".pwl-dt-body [role=row]").count() < 50  # only the rows in view are drawn
    cell(grid, "Row 0").click()
    page.keyboard.press("Control+End")  # the last cell of the last row
    expect(cell(grid, str(n - 1))).to_be_focused()
    expect(row_of(grid, f"Row {n - 1}")).to_have_attribute("aria-rowindex", str(n + 2))
    page.keyboard.press("Control+Home")
    expect(cell(grid, "Row 0")).to_be_focused()
    grid.evaluate("g => g.scrollTop = g.scrollHeight / 2")
    expect(cell(grid, f"Row {n // 2}")).to_be_visible()
    assert grid.locator(".pwl-dt-body [role=row]").count() < 50


def test_virtual_columns(open_app):
    records = [{f"c{j}": f"v{i}-{j}" for j in range(60)} for i in range(30)]
    page = open_app(lambda: put_datatable(records, column_args={"c0": {"pinned": "left"}}))
    grid = page.get_by_role("grid")
    expect(cell(grid, "v0-1")).to_be_visible()
    first_row = row_of(grid, "v0-0")
    assert first_row.get_by_role("gridcell").count() < 30  # not all 60 columns are drawn
    expect(cell(grid, "v0-59")).to_have_count(0)
    grid.evaluate("g => g.scrollLeft = g.scrollWidth")
    expect(cell(grid, "v0-59")).to_be_visible()
    expect(cell(grid, "v0-0")).to_be_visible()  # the pinned column stays in view
    expect(cell(grid, "v0-1")).to_have_count(0)


def test_auto_height_shows_every_row_without_scrolling(open_app):
    page = open_app(lambda: put_datatable(PEOPLE * 4, height="auto"))
    grid = page.get_by_role("grid")
    expect(cell(grid, "Barbara").last).to_be_visible()
    expect(grid.get_by_role("row")).to_have_count(2 + 20)  # header, filters, every row
    assert grid.evaluate("g => g.scrollHeight <= g.clientHeight + 1")


def test_in_a_hidden_tab_and_in_a_popup(open_app):
    from pywebio_lite.output import popup, put_button, put_tabs

    def app():
        put_tabs([{"title": "First", "content": "nothing here"},
                  {"title": "Grid", "content": put_datatable(PEOPLE)}])
        put_button("Open", onclick=lambda: popup("Crew", put_datatable(PEOPLE, instance_id="in_popup")))

    page = open_app(app)
    page.get_by_role("tab", name="Grid").click()
    grid = page.get_by_role("grid").first
    expect(cell(grid, "Grace")).to_be_visible()
    # Not checked here: that its columns are then sized to the grid. About one run in ten they kept
    # the narrow widths measured while the tab was hidden (an open bug of the grid, issue 13).
    page.get_by_role("button", name="Open").click()
    dialog = page.get_by_role("dialog", name="Crew")
    expect(cell(dialog.get_by_role("grid"), "Linus")).to_be_visible()
    cell(dialog.get_by_role("grid"), "Linus").click()
    expect(dialog.get_by_label("Cell content")).to_have_text("Linus")


def test_arrow_down_from_a_filter_box_enters_the_rows(open_app):
    page = open_app(lambda: put_datatable(PEOPLE))
    grid = page.get_by_role("grid")
    page.get_by_label("Filter City").fill("o")
    page.keyboard.press("ArrowDown")
    expect(cell(grid, "London")).to_be_focused()


# ---------------------------------------------------------------------------- sort and filter
def test_sorting_by_clicking_headers(open_app):
    page = open_app(lambda: put_datatable(PEOPLE, grid_args={"onSortChanged": JSFunction("e", "window.sorts = (window.sorts || 0) + 1")}))
    grid = page.get_by_role("grid")
    age = grid.get_by_role("columnheader", name="Age")
    expect(cell(grid, "Ada")).to_be_visible()
    age.click()
    expect(age).to_have_attribute("aria-sort", "ascending")
    assert names(grid) == ["Linus", "Ada", "Alan", "Barbara", "Grace"]
    age.click()
    expect(age).to_have_attribute("aria-sort", "descending")
    assert names(grid) == ["Grace", "Barbara", "Alan", "Ada", "Linus"]
    age.click()
    expect(age).not_to_have_attribute("aria-sort", re.compile("."))
    assert names(grid) == ["Ada", "Alan", "Grace", "Linus", "Barbara"]
    grid.get_by_role("columnheader", name="Name").click()
    expect(grid.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "ascending")
    assert names(grid) == ["Ada", "Alan", "Barbara", "Grace", "Linus"]
    assert page.evaluate("window.sorts") == 4


def test_shift_click_sorts_by_several_columns(open_app):
    records = [{"team": t, "name": n} for t, n in [("b", "x"), ("a", "z"), ("b", "w"), ("a", "y")]]
    page = open_app(lambda: put_datatable(records))
    grid = page.get_by_role("grid")
    grid.get_by_role("columnheader", name="Team").click()
    grid.get_by_role("columnheader", name="Name").click(modifiers=["Shift"])
    grid.get_by_role("columnheader", name="Name").click(modifiers=["Shift"])
    expect(grid.get_by_role("columnheader", name="Team")).to_have_attribute("aria-sort", "ascending")
    expect(grid.get_by_role("columnheader", name="Name")).to_have_attribute("aria-sort", "descending")
    rows = grid.locator(".pwl-dt-body [role=row]:not([hidden])").evaluate_all(
        "rows => rows.sort((a, b) => a.getAttribute('aria-rowindex') - b.getAttribute('aria-rowindex'))"
        ".map(r => [...r.querySelectorAll('[role=gridcell]')].map(c => c.textContent).join(''))")
    assert rows == ["az", "ay", "bx", "bw"]


def test_filters_text_and_numbers(open_app):
    page = open_app(lambda: put_datatable(PEOPLE))
    grid = page.get_by_role("grid")
    name_filter = page.get_by_label("Filter Name")
    name_filter.fill("a")  # contains, any case
    expect(page.get_by_text("4 of 5 rows")).to_be_visible()
    name_filter.fill("^a")
    expect(page.get_by_text("2 of 5 rows")).to_be_visible()
    assert sorted(names(grid)) == ["Ada", "Alan"]
    name_filter.fill("=grace")
    expect(page.get_by_text("1 of 5 rows")).to_be_visible()
    name_filter.fill("")
    age_filter = page.get_by_label("Filter Age")
    age_filter.fill(">40")
    expect(page.get_by_text("3 of 5 rows")).to_be_visible()
    assert sorted(names(grid)) == ["Alan", "Barbara", "Grace"]
    age_filter.fill("30..50")
    expect(page.get_by_text("2 of 5 rows")).to_be_visible()
    page.get_by_label("Filter City").fill("on")
    expect(page.get_by_text("1 of 5 rows")).to_be_visible()  # Ada, London, 36 (Boston is 62)
    assert names(grid) == ["Ada"]
    age_filter.fill("999")
    expect(page.get_by_text("No rows to show")).to_be_visible()


# ---------------------------------------------------------------------------- resize, pin
def test_resize_a_column_by_dragging(open_app):
    page = open_app(lambda: put_datatable(PEOPLE))
    grid = page.get_by_role("grid")
    header = grid.get_by_role("columnheader", name="Name")
    expect(cell(grid, "Ada")).to_be_visible()
    before = header.bounding_box()["width"]
    handle = header.locator(".pwl-dt-resize")
    box = handle.bounding_box()
    page.mouse.move(box["x"] + 3, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 103, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    expect(header).not_to_have_attribute("aria-sort", re.compile("."))  # the drag did not sort
    after = header.bounding_box()["width"]
    assert abs(after - before - 100) <= 2
    assert abs(cell(grid, "Ada").bounding_box()["width"] - after) <= 1
    header.focus()
    page.keyboard.press("Alt+ArrowLeft")
    assert abs(header.bounding_box()["width"] - (after - 16)) <= 1


def test_column_args(open_app):
    def app():
        put_datatable(
            [{"name": "Ada", "age": 36, "secret": "s1", "html": "x", "n": {"price": 2.5}}],
            column_args={
                "name": {"headerName": "Person", "width": 222, "pinned": "left", "sortable": False},
                "age": {"filter": False, "cellStyle": {"color": "rgb(200, 0, 0)"},
                        "valueFormatter": JSFunction("p", "return p.value + ' years'")},
                "secret": {"hide": True},
                "html": {"cellRenderer": JSFunction("p", "return '<em>rendered</em>'")},
                ("n", "price"): {"valueGetter": JSFunction("p", "return p.data.n.price * 2 + p.data.nprice_1_5_2"), "headerName": "Double"},
            })

    page = open_app(app)
    grid = page.get_by_role("grid")
    person = grid.get_by_role("columnheader", name="Person")
    expect(person).to_be_visible()
    assert abs(person.bounding_box()["width"] - 222) <= 1
    person.click()
    expect(person).not_to_have_attribute("aria-sort", re.compile("."))  # sortable False
    expect(page.get_by_label("Filter Age")).to_have_count(0)  # filter False
    expect(page.get_by_label("Filter Person")).to_be_visible()
    expect(cell(grid, "36 years")).to_have_css("color", "rgb(200, 0, 0)")
    expect(grid.get_by_role("columnheader", name="Secret")).to_have_count(0)
    expect(cell(grid, "s1")).to_have_count(0)
    expect(grid.locator("em")).to_have_text("rendered")  # the app's own cellRenderer may write HTML
    expect(cell(grid, "7.5")).to_be_visible()  # valueGetter
    expect(grid.get_by_role("columnheader", name="Double")).to_be_visible()


def test_grid_args_row_height_pagination_and_unknown_options(open_app, page):
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)
    records = [{"name": f"P{i:03d}"} for i in range(250)]

    def app():
        put_datatable(records, grid_args={"rowHeight": 40, "pagination": True, "paginationPageSize": 100,
                                          "noSuchOption": 1, "animateRows": True,
                                          "defaultColDef": {"alsoUnknown": 1}})

    open_app(app)
    grid = page.get_by_role("grid")
    expect(cell(grid, "P000")).to_be_visible()
    assert cell(grid, "P000").bounding_box()["height"] == pytest.approx(39, abs=1.5)
    expect(page.get_by_text("Page 1 of 3")).to_be_visible()
    expect(page.get_by_role("button", name="Previous page")).to_be_disabled()
    page.get_by_role("button", name="Next page").click()
    expect(page.get_by_text("Page 2 of 3")).to_be_visible()
    expect(cell(grid, "P100")).to_be_visible()
    expect(cell(grid, "P000")).to_have_count(0)
    page.get_by_role("button", name="Next page").click()
    expect(cell(grid, "P200")).to_be_visible()
    expect(page.get_by_text("250 rows", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Next page")).to_be_disabled()
    unknown = [w for w in warnings if "not supported" in w]
    assert len(unknown) == 2 and any('"noSuchOption"' in w for w in unknown) and any('"alsoUnknown"' in w for w in unknown)


def test_more_column_and_grid_options(open_app, page):
    warnings = []
    page.on("console", lambda m: warnings.append(m.text) if m.type == "warning" else None)

    def app():
        put_datatable(PEOPLE, onselect=lambda ids: put_text(f"ids {ids}"),
                      column_args={"age": {"width": 30, "minWidth": 90, "resizable": False},
                                   "city": {"cellRenderer": "agAnimateShowChangeCellRenderer", "sortable": True}},
                      grid_args={"headerHeight": 50, "rowSelection": "multiple",
                                 "defaultColDef": {"sortable": False}})

    open_app(app)
    grid = page.get_by_role("grid")
    age = grid.get_by_role("columnheader", name="Age")
    expect(age).to_be_visible()
    assert abs(age.bounding_box()["width"] - 90) <= 1  # minWidth wins over width
    assert age.bounding_box()["height"] == pytest.approx(50, abs=1)  # headerHeight
    expect(age.locator(".pwl-dt-resize")).to_have_count(0)  # resizable False
    age.click()
    expect(age).not_to_have_attribute("aria-sort", re.compile("."))  # defaultColDef sortable False
    city = grid.get_by_role("columnheader", name="City")
    city.click()
    expect(city).to_have_attribute("aria-sort", "ascending")  # column_args overrides defaultColDef
    expect(cell(grid, "Boston")).to_be_visible()  # a named ag-grid renderer: plain text, and a warning
    assert any("agAnimateShowChangeCellRenderer" in w for w in warnings)
    cell(grid, "Ada").click()
    cell(grid, "Alan").click()  # rowSelection 'multiple' from grid_args: a click adds
    expect(row_of(grid, "Ada")).to_have_attribute("aria-selected", "true")
    expect(row_of(grid, "Alan")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_text("ids 0")).to_have_count(2)  # without multiple_select, PyWebIO passes the first id


def test_grid_events_via_jsfunction(open_app):
    def app():
        put_datatable(PEOPLE, grid_args={
            "onCellClicked": JSFunction("p", "window.clicked = p.value + ' in ' + p.colDef.headerName"),
            "onRowClicked": JSFunction("p", "window.row = p.data.name + '@' + p.rowIndex"),
            "filterChanged": JSFunction("e", "window.filtered = e.type")})

    page = open_app(app)
    grid = page.get_by_role("grid")
    cell(grid, "Manchester").click()
    page.wait_for_function("window.row")
    assert page.evaluate("[window.clicked, window.row]") == ["Manchester in City", "Alan@1"]
    page.get_by_label("Filter Name").fill("x")
    page.wait_for_function("window.filtered === 'filterChanged'")


# ---------------------------------------------------------------------------- selection and actions
def test_single_selection_onselect_and_actions(open_app):
    def app():
        put_datatable(PEOPLE, id_field="name",
                      onselect=lambda row_id: put_text(f"selected {row_id}"),
                      actions=[("Greet", lambda row_id: put_text(f"hello {row_id}")), None,
                               ("Delete", lambda row_id: datatable_remove("people", row_id))],
                      instance_id="people")

    page = open_app(app)
    grid = page.get_by_role("grid")
    toolbar = page.get_by_role("toolbar", name="Actions on the selected rows")
    expect(cell(grid, "Grace")).to_be_visible()
    expect(toolbar).to_be_hidden()
    cell(grid, "Grace").click()
    expect(page.get_by_text("selected Grace")).to_be_visible()
    expect(row_of(grid, "Grace")).to_have_attribute("aria-selected", "true")
    expect(toolbar).to_be_visible()
    expect(toolbar.get_by_text("1 row selected")).to_be_visible()
    expect(toolbar.get_by_role("separator")).to_have_count(1)
    cell(grid, "Linus").click()
    expect(row_of(grid, "Grace")).to_have_attribute("aria-selected", "false")
    toolbar.get_by_role("button", name="Greet").click()
    expect(page.get_by_text("hello Linus")).to_be_visible()
    toolbar.get_by_role("button", name="Delete").click()
    expect(cell(grid, "Linus")).to_have_count(0)
    expect(page.get_by_text("4 rows", exact=True)).to_be_visible()
    expect(toolbar).to_be_hidden()  # the selected row is gone


def test_multiple_selection_checkboxes_range_and_select_all(open_app):
    def app():
        put_datatable(PEOPLE, multiple_select=True, onselect=lambda ids: put_text(f"ids {ids}"),
                      actions=[("Show", lambda ids: put_text(f"action {ids}"))])

    page = open_app(app)
    grid = page.get_by_role("grid")
    expect(grid).to_have_attribute("aria-multiselectable", "true")
    row_of(grid, "Alan").get_by_role("checkbox", name="Select row").check()
    expect(page.get_by_text("ids [1]")).to_be_visible()
    cell(grid, "Barbara").click(modifiers=["Shift"])
    expect(page.get_by_text("ids [1, 2, 3, 4]")).to_be_visible()
    expect(page.get_by_text("4 rows selected")).to_be_visible()
    cell(grid, "Grace").click()  # a click toggles in multiple mode
    expect(page.get_by_text("ids [1, 3, 4]")).to_be_visible()
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("action [1, 3, 4]")).to_be_visible()
    grid.get_by_role("checkbox", name="Select all rows").check()
    expect(page.get_by_text("ids [0, 1, 2, 3, 4]")).to_be_visible()
    page.get_by_role("button", name="Unselect").click()
    expect(grid.get_by_role("checkbox", name="Select row").first).not_to_be_checked()
    expect(page.get_by_role("toolbar")).to_be_hidden()


def test_keyboard_navigation_and_selection(open_app):
    def app():
        put_datatable(PEOPLE, onselect=lambda row_id: put_text(f"selected {row_id}"),
                      grid_args={"onCellClicked": JSFunction("p", "window.activated = p.value")})

    page = open_app(app)
    grid = page.get_by_role("grid")
    expect(cell(grid, "Ada")).to_be_visible()
    page.keyboard.press("Tab")
    name = grid.get_by_role("columnheader", name="Name")
    expect(name).to_be_focused()
    page.keyboard.press("Enter")
    expect(name).to_have_attribute("aria-sort", "ascending")
    page.keyboard.press("ArrowDown")
    expect(cell(grid, "Ada")).to_be_focused()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    expect(cell(grid, "41")).to_be_focused()
    page.keyboard.press("End")
    expect(cell(grid, "Manchester")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_text("selected 1")).to_be_visible()
    expect(row_of(grid, "Alan")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_function("window.activated === 'Boston'")
    expect(page.get_by_text("selected 4")).to_be_visible()
    page.keyboard.press("Home")
    expect(cell(grid, "Barbara")).to_be_focused()
    expect(page.get_by_label("Cell content")).to_have_text("Barbara")


def test_cell_content_bar_shows_the_full_text(open_app):
    long = "word " * 80
    page = open_app(lambda: put_datatable([{"text": long.strip(), "n": 1}]))
    grid = page.get_by_role("grid")
    cell(grid, long.strip()).click()
    expect(page.get_by_label("Cell content")).to_have_text(long.strip())
    page2 = open_app(lambda: put_datatable([{"text": "x"}], cell_content_bar=False))
    cell(page2.get_by_role("grid"), "x").click()
    expect(page2.get_by_label("Cell content")).to_have_count(0)


# ---------------------------------------------------------------------------- changes from Python
@pytest.mark.parametrize("kind", ["thread", "coroutine"])
def test_update_insert_remove_from_callbacks(open_app, kind):
    records = [{"id": 1, "name": "Ada", "info": {"city": "London"}}, {"id": 2, "name": "Alan", "info": {"city": "Wilmslow"}}]

    def edit(ids):
        datatable_update("t", "Paris", row_id=1, field=("info", "city"))
        datatable_update("t", {"id": 2, "name": "Alan T.", "info": {"city": "Bletchley"}}, row_id=2)
        datatable_insert("t", {"id": 3, "name": "Grace", "info": {"city": "Arlington"}}, row_id=2)
        datatable_insert("t", [{"id": 4, "name": "Linus", "info": {"city": "Helsinki"}}])
        datatable_remove("t", [99])  # missing: logged in the page, ignored
        datatable_update("nope", [])  # missing table: logged, ignored
        put_text("edited")

    def replace(ids):
        datatable_update("t", [{"id": 7, "name": "Only", "info": {"city": "X"}}])

    def drop(ids):
        datatable_remove("t", ids)

    actions = [("Edit", edit), ("Replace", replace), ("Drop", drop)]
    if kind == "thread":
        def app():
            put_datatable(records, id_field="id", instance_id="t", actions=actions, multiple_select=True)
    else:
        async def app():
            put_datatable(records, id_field="id", instance_id="t", actions=actions, multiple_select=True)

    page = open_app(app)
    logs = []
    page.on("console", lambda m: logs.append(m.text) if m.type in ("error", "warning") else None)
    grid = page.get_by_role("grid")
    cell(grid, "Ada").click()
    page.get_by_role("button", name="Edit").click()
    expect(page.get_by_text("edited")).to_be_visible()
    expect(cell(grid, "Paris")).to_be_visible()
    expect(cell(grid, "Alan T.")).to_be_visible()
    assert names(grid, 3) == ["Ada", "Grace", "Alan T.", "Linus"]
    assert any("no row with id 99" in text for text in logs)
    assert any("Datatable instance [nope] not found" in text for text in logs)
    cell(grid, "Grace").click()  # Ada and Grace selected
    page.get_by_role("button", name="Drop").click()
    expect(cell(grid, "Grace")).to_have_count(0)
    assert names(grid, 3) == ["Alan T.", "Linus"]
    cell(grid, "Linus").click()
    page.get_by_role("button", name="Replace").click()
    expect(cell(grid, "Only")).to_be_visible()
    expect(page.get_by_text("1 row", exact=True)).to_be_visible()


def test_ag_grid_promise_api(open_app):
    def app():
        put_datatable(PEOPLE, instance_id="crew", id_field="name")
        hold()

    page = open_app(app)
    expect(cell(page.get_by_role("grid"), "Ada")).to_be_visible()
    result = page.evaluate("""async () => {
        const grid = await window.ag_grid_crew_promise;
        const out = {count: grid.api.getDisplayedRowCount(), first: grid.api.getDisplayedRowAtIndex(0).id,
                     field: grid.path2field(['name']), back: grid.field2path('name_4_1'),
                     flat: grid.flatten_row({name: 'Z', age: 1}), same: window.ag_grid_crew === grid};
        grid.api.setSortModel([{colId: 'age', sort: 'desc'}]);
        out.sorted = grid.api.getDisplayedRowAtIndex(0).id;
        grid.api.getRowNode('Ada').setDataValue('city', 'Paris');
        grid.api.applyTransaction({add: [grid.flatten_row({name: 'Zed', age: 1, city: 'Z'})]});
        out.count2 = grid.api.getDisplayedRowCount();
        grid.columnApi.setColumnVisible('city', false);
        return out;
    }""")
    assert result == {"count": 5, "first": "Ada", "field": "name_4_1", "back": ["name"],
                      "flat": {"name_4_1": "Z", "age_3_1": 1}, "same": True, "sorted": "Grace", "count2": 6}
    grid = page.get_by_role("grid")
    expect(grid.get_by_role("columnheader", name="Age")).to_have_attribute("aria-sort", "descending")
    expect(grid.get_by_role("columnheader", name="City")).to_have_count(0)
    expect(cell(grid, "Zed")).to_be_visible()


# ---------------------------------------------------------------------------- themes
@pytest.mark.parametrize("theme,scheme", [("balham", "light"), ("balham", "dark"), ("alpine", "light"),
                                          ("alpine-dark", "light"), ("balham-dark", "light"), ("material", "light"),
                                          ("material", "dark")])
def test_themes(open_app, page, shot, theme, scheme):
    page.emulate_media(color_scheme=scheme)
    records = [{"name": n, "age": a, "city": c, "joined": f"20{10 + i}-0{1 + i % 9}-1{i % 9}"}
               for i, (n, a, c) in enumerate([(p["name"], p["age"], p["city"]) for p in PEOPLE] * 3)]

    def app():
        put_datatable(records, theme=theme, height=330, multiple_select=True,
                      actions=[("Export", lambda ids: None), None, ("Delete", lambda ids: None)],
                      column_args={"name": {"pinned": "left"}})

    open_app(app)
    grid = page.get_by_role("grid")
    page.get_by_role("columnheader", name="Age").click()
    cell(grid, "Grace").first.click()
    cell(grid, "Ada").first.click()
    expect(page.get_by_text("2 rows selected")).to_be_visible()
    bg = grid.evaluate("g => getComputedStyle(g).backgroundColor")
    dark = theme.endswith("-dark") or scheme == "dark"
    channels = [int(x) for x in re.findall(r"\d+", bg)[:3]]
    assert (sum(channels) < 200) == dark, bg
    shot(page.locator(".pwl-dt"), f"datatable-{theme}-{scheme}")


def test_initial_sort_and_comparator(open_app):
    def app():
        put_datatable(PEOPLE, column_args={
            "age": {"sort": "desc"},
            "city": {"comparator": JSFunction("a", "b", "return a.length - b.length")}})

    page = open_app(app)
    grid = page.get_by_role("grid")
    expect(grid.get_by_role("columnheader", name="Age")).to_have_attribute("aria-sort", "descending")
    expect(cell(grid, "Grace")).to_be_visible()
    assert names(grid) == ["Grace", "Barbara", "Alan", "Ada", "Linus"]
    grid.get_by_role("columnheader", name="City").click()  # shortest city name first
    expect(grid.get_by_role("columnheader", name="City")).to_have_attribute("aria-sort", "ascending")
    assert names(grid, 3) == ["London", "Boston", "New York", "Helsinki", "Manchester"]  # ties keep row order
