"""put_datatable and its helpers, without a browser: the spec, row chunks, callbacks, commands, bad input.

Each session test runs a real app in a real session (pywebio_lite.testing.AppClient plays the page).
"""

import json
import logging
from contextlib import closing

import pytest

from pywebio_lite import datatable as dt
from pywebio_lite.output import (JSFunction, datatable_insert, datatable_remove, datatable_update,
                                 put_datatable, put_row, put_text)
from pywebio_lite.session import hold
from pywebio_lite.testing import AppClient


def table_spec(client):
    return client.wait_for("output", lambda s: s["type"] == "datatable")["spec"]


def run(app):
    """A client for `app`; `with run(app) as client:` runs it and closes the session afterwards."""
    return AppClient(app)


def spec_of(*args, **kwargs):
    """The datatable spec put_datatable(*args, **kwargs) sends."""
    def app():
        put_datatable(*args, **kwargs)
    with run(app) as client:
        return table_spec(client)


def error_of(*args, **kwargs):
    """The exception put_datatable(*args, **kwargs) raises inside an app."""
    caught = []

    def app():
        try:
            put_datatable(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the test looks at it
            caught.append(exc)
        put_text("done")
    with run(app) as client:
        client.wait_for("output", lambda s: s.get("content") == "done")
    assert caught, "put_datatable did not raise"
    return caught[0]


# ---------------------------------------------------------------------------- columns, rows, ids
class TestSpec:
    def test_flat_records_become_fields_and_rows_in_key_order(self):
        spec = spec_of([{"name": "Ada", "age": 36}, {"name": "Alan", "age": 41}])
        assert spec["columns"] == [{"key": "name"}, {"key": "age"}]
        assert spec["fields"] == [["name"], ["age"]]
        assert spec["rows"] == [["Ada", 36], ["Alan", 41]]
        assert spec["total"] == 2 and "more" not in spec
        assert "ids" not in spec  # default ids are the row indices; the page numbers them

    def test_columns_are_the_union_of_keys_in_first_seen_order(self):
        spec = spec_of([{"a": 1}, {"b": 2, "a": 3}, {"c": 4}])
        assert spec["fields"] == [["a"], ["b"], ["c"]]
        assert spec["rows"] == [[1, None, None], [3, 2, None], [None, None, 4]]

    def test_nested_records_become_grouped_columns(self):
        spec = spec_of([{"name": "Ada", "contact": {"email": "a@x", "phone": {"home": "1", "work": "2"}}}])
        assert spec["columns"] == [
            {"key": "name"},
            {"key": "contact", "children": [
                {"key": "email"},
                {"key": "phone", "children": [{"key": "home"}, {"key": "work"}]}]}]
        assert spec["fields"] == [["name"], ["contact", "email"], ["contact", "phone", "home"],
                                  ["contact", "phone", "work"]]
        assert spec["rows"] == [["Ada", "a@x", "1", "2"]]

    def test_column_order_list_selects_and_orders_columns(self):
        spec = spec_of([{"a": 1, "b": 2, "c": 3}], column_order=["c", "a"])
        assert spec["fields"] == [["c"], ["a"]]
        assert spec["rows"] == [[3, 1]]

    def test_column_order_nested_dict(self):
        spec = spec_of([{"x": {"p": 1, "q": 2}, "y": 3}], column_order={"y": None, "x": {"q": None}})
        assert spec["fields"] == [["y"], ["x", "q"]]
        assert spec["rows"] == [[3, 2]]

    def test_empty_records_need_column_order(self):
        with pytest.raises(ValueError, match="column_order"):
            put_datatable([])
        spec = spec_of([], column_order=["a", "b"])
        assert spec["fields"] == [["a"], ["b"]] and spec["rows"] == [] and spec["total"] == 0

    def test_id_field_str_and_tuple_path(self):
        spec = spec_of([{"id": "u1", "v": 1}, {"id": "u2", "v": 2}], id_field="id")
        assert spec["ids"] == ["u1", "u2"] and spec["id_field"] == ["id"]
        spec = spec_of([{"k": {"id": 7}, "v": 1}], id_field=("k", "id"))
        assert spec["ids"] == [7] and spec["id_field"] == ["k", "id"]

    def test_height_theme_and_options(self):
        spec = spec_of([{"a": 1}], height=300, theme="alpine-dark", cell_content_bar=False, instance_id="t1")
        assert spec["height"] == "300px" and spec["theme"] == "alpine-dark"
        assert spec["cell_content_bar"] is False and spec["instance_id"] == "t1"
        assert spec_of([{"a": 1}], height="50vh")["height"] == "50vh"
        assert spec_of([{"a": 1}])["height"] == "600px" and spec_of([{"a": 1}])["theme"] == "balham"

    def test_auto_height_sends_every_row_and_falls_back_above_1000(self, caplog):
        spec = spec_of([{"a": i} for i in range(900)], height="auto")
        assert spec["height"] == "auto" and len(spec["rows"]) == 900
        with caplog.at_level(logging.WARNING, logger="pywebio_lite.session"):
            spec = spec_of([{"a": i} for i in range(1001)], height="auto")
        assert spec["height"] == "600px"
        assert "too large to use auto height" in caplog.text

    def test_cell_text_travels_as_data(self):
        spec = spec_of([{"html": "<b>x</b>"}])
        assert spec["rows"] == [["<b>x</b>"]]  # the page writes it as text

    def test_records_that_are_not_dicts(self):
        assert isinstance(error_of([1, 2]), TypeError)
        assert "records[1]" in str(error_of([{"a": 1}, "b"]))
        assert isinstance(error_of({"a": 1}), TypeError)

    def test_bad_arguments_name_themselves(self):
        assert "theme" in str(error_of([{"a": 1}], theme="neon"))
        assert "height" in str(error_of([{"a": 1}], height=1.5))
        assert "id_field" in str(error_of([{"a": 1}], id_field=3))
        assert "actions[0]" in str(error_of([{"a": 1}], actions=[("x",)]))
        assert "onselect" in str(error_of([{"a": 1}], onselect="nope"))
        assert "column_args" in str(error_of([{"a": 1}], column_args={"a": 3}))
        assert "grid_args" in str(error_of([{"a": 1}], grid_args=[1]))
        assert "instance_id" in str(error_of([{"a": 1}], instance_id=3))

    def test_unserialisable_first_rows_raise_at_the_call(self):
        assert isinstance(error_of([{"a": object()}]), TypeError)

    def test_embedded_in_a_layout(self):
        def app():
            put_row([put_datatable([{"a": 1}]), put_text("side")])
        with run(app) as client:
            row = client.wait_for("output", lambda s: s["type"] == "row")["spec"]
        assert row["contents"][0]["type"] == "datatable"
        assert "scope" not in row["contents"][0]


# ---------------------------------------------------------------------------- JSFunction, column_args
class TestOptions:
    def test_jsfunction_needs_a_body(self):
        with pytest.raises(ValueError):
            JSFunction()
        with pytest.raises(TypeError):
            JSFunction("a", 3)
        f = JSFunction("a", "b", "return a + b")
        assert f.params == ["a", "b"] and f.body == "return a + b"

    def test_jsfunction_inside_column_and_grid_args(self):
        spec = spec_of([{"a": 1, "n": {"a": 2}}],
                       column_args={"a": {"width": 90, "valueFormatter": JSFunction("p", "return p.value")},
                                    ("n", "a"): {"headerName": "Inner"}},
                       grid_args={"onRowClicked": JSFunction("e", "console.log(e)"), "rowHeight": 30})
        assert spec["field_args"] == {"a": {"width": 90, "valueFormatter": {"__pwl_js__": [["p"], "return p.value"]}}}
        assert spec["path_args"] == [[["n", "a"], {"headerName": "Inner"}]]
        assert spec["grid_args"] == {"onRowClicked": {"__pwl_js__": [["e"], "console.log(e)"]}, "rowHeight": 30}

    def test_unserialisable_option(self):
        assert "grid_args" in str(error_of([{"a": 1}], grid_args={"x": object()}))


# ---------------------------------------------------------------------------- chunks
class TestChunks:
    def test_rows_after_the_first_screen_travel_on_request(self):
        records = [{"i": i, "s": f"r{i}"} for i in range(dt.FIRST_ROWS + dt.CHUNK_ROWS + 5)]

        def app():
            put_datatable(records, id_field="s")
            hold()
        with run(app) as client:
            spec = table_spec(client)
            assert len(spec["rows"]) == dt.FIRST_ROWS and spec["total"] == len(records)
            assert spec["ids"] == [f"r{i}" for i in range(dt.FIRST_ROWS)]
            client.send("callback", spec["more"], {"from": dt.FIRST_ROWS})
            chunk = client.wait_for("datatable_rows")["spec"]
            assert chunk["key"] == spec["key"] and chunk["start"] == dt.FIRST_ROWS
            assert len(chunk["rows"]) == dt.CHUNK_ROWS
            assert chunk["rows"][0] == [dt.FIRST_ROWS, f"r{dt.FIRST_ROWS}"]
            assert chunk["ids"][0] == f"r{dt.FIRST_ROWS}"
            start = dt.FIRST_ROWS + dt.CHUNK_ROWS
            n = len(client.commands)
            client.send("callback", spec["more"], {"from": start})
            last = client.wait_for("datatable_rows", after=n)["spec"]
            assert last["start"] == start and len(last["rows"]) == 5

    def test_the_table_is_a_snapshot_of_the_records(self):
        records = [{"i": i} for i in range(dt.FIRST_ROWS + 3)]

        def app():
            put_datatable(records)
            records.clear()
            hold()
        with run(app) as client:
            spec = table_spec(client)
            client.send("callback", spec["more"], {"from": dt.FIRST_ROWS})
            chunk = client.wait_for("datatable_rows")["spec"]
            assert chunk["rows"] == [[dt.FIRST_ROWS], [dt.FIRST_ROWS + 1], [dt.FIRST_ROWS + 2]]

    @pytest.mark.parametrize("bad", [None, {}, {"from": "1"}, {"from": -1}, {"from": 10 ** 9}, {"from": True}, [1]])
    def test_bad_chunk_requests_are_ignored(self, bad, caplog):
        def app():
            put_datatable([{"i": i} for i in range(dt.FIRST_ROWS + 1)])
            hold()
        with caplog.at_level(logging.WARNING, logger="pywebio_lite.session"):
            with run(app) as client:
                spec = table_spec(client)
                client.send("callback", spec["more"], bad)
                client.send("callback", spec["more"], {"from": dt.FIRST_ROWS})  # still works afterwards
                chunk = client.wait_for("datatable_rows")["spec"]
                assert chunk["start"] == dt.FIRST_ROWS
                assert sum(c["command"] == "datatable_rows" for c in client.commands) == 1
        assert "ignored a request for rows" in caplog.text

    def test_values_json_cannot_hold_after_the_first_rows_become_text(self):
        import datetime
        day = datetime.date(2024, 1, 2)
        records = [{"d": "x"}] * dt.FIRST_ROWS + [{"d": day}]

        def app():
            put_datatable(records)
            hold()
        with run(app) as client:
            spec = table_spec(client)
            client.send("callback", spec["more"], {"from": dt.FIRST_ROWS})
            assert client.wait_for("datatable_rows")["spec"]["rows"] == [["2024-01-02"]]

    def test_small_tables_need_no_requests(self):
        spec = spec_of([{"a": 1}])
        assert "more" not in spec


# ---------------------------------------------------------------------------- selection and actions
class TestCallbacks:
    def start(self, **kwargs):
        got = []

        def app():
            put_datatable([{"id": "a"}, {"id": "b"}], id_field="id",
                          actions=[("Show", lambda ids: got.append(("show", ids))), None,
                                   ("Drop", lambda ids: got.append(("drop", ids)))],
                          onselect=lambda ids: got.append(("select", ids)), **kwargs)
        client = AppClient(app).start()
        return closing(client), table_spec(client), got

    def test_single_select_receives_one_id(self):
        closer, spec, got = self.start()
        with closer as client:
            assert spec["actions"] == ["Show", None, "Drop"] and spec["on_select"] is True
            client.send("callback", spec["callback_id"], {"rows": ["b"]})
            client.send("callback", spec["callback_id"], {"btn": 2, "rows": ["b"]})
            client.wait_until(lambda: len(got) == 2)
        assert sorted(got) == [("drop", "b"), ("select", "b")]  # callbacks run concurrently

    def test_multiple_select_receives_the_id_list(self):
        closer, spec, got = self.start(multiple_select=True)
        with closer as client:
            assert spec["multiple_select"] is True
            client.send("callback", spec["callback_id"], {"rows": ["a", "b"]})
            client.send("callback", spec["callback_id"], {"btn": 0, "rows": ["a", "b"]})
            client.wait_until(lambda: len(got) == 2)
        assert sorted(got) == [("select", ["a", "b"]), ("show", ["a", "b"])]  # callbacks run concurrently

    def test_default_ids_are_row_indices(self):
        got = []

        def app():
            put_datatable([{"v": 1}, {"v": 2}], onselect=got.append)
        with run(app) as client:
            spec = table_spec(client)
            client.send("callback", spec["callback_id"], {"rows": [1]})
            client.wait_until(lambda: got == [1])

    @pytest.mark.parametrize("bad", [None, "x", {"rows": "a"}, {"btn": 1, "rows": ["a"]}, {"btn": 9, "rows": ["a"]},
                                     {"btn": "0", "rows": ["a"]}, {"rows": []}])
    def test_bad_selection_events_never_reach_the_app(self, bad):
        closer, spec, got = self.start()
        with closer as client:
            client.send("callback", spec["callback_id"], bad)
            client.send("callback", spec["callback_id"], {"rows": ["a"]})
            client.wait_until(lambda: got)
        assert got == [("select", "a")]

    def test_no_callback_without_actions_or_onselect(self):
        spec = spec_of([{"a": 1}])
        assert "callback_id" not in spec and spec["actions"] == [] and spec["on_select"] is False


# ---------------------------------------------------------------------------- update / insert / remove
class TestCommands:
    def commands(self, body):
        def app():
            body()
            put_text("done")
        with run(app) as client:
            client.wait_for("output", lambda s: s.get("content") == "done")
            return [c for c in client.commands if c["command"].startswith("datatable_")]

    def test_update_whole_row_and_field(self):
        cmds = self.commands(lambda: (
            datatable_update("t", [{"a": 1}]),
            datatable_update("t", {"a": 2}, row_id=0),
            datatable_update("t", 3, row_id=0, field="a"),
            datatable_update("t", 4, row_id="x", field=("n", "a")),
        ))
        assert [c["spec"] for c in cmds] == [
            {"instance_id": "t", "records": [{"a": 1}]},
            {"instance_id": "t", "row_id": 0, "record": {"a": 2}},
            {"instance_id": "t", "row_id": 0, "field": ["a"], "value": 3},
            {"instance_id": "t", "row_id": "x", "field": ["n", "a"], "value": 4},
        ]
        assert all(c["command"] == "datatable_update" for c in cmds)

    def test_insert_and_remove(self):
        cmds = self.commands(lambda: (
            datatable_insert("t", {"a": 1}),
            datatable_insert("t", [{"a": 2}, {"a": 3}], row_id=5),
            datatable_remove("t", 4),
            datatable_remove("t", [1, "b"]),
        ))
        assert [(c["command"], c["spec"]) for c in cmds] == [
            ("datatable_insert", {"instance_id": "t", "records": [{"a": 1}], "row_id": None}),
            ("datatable_insert", {"instance_id": "t", "records": [{"a": 2}, {"a": 3}], "row_id": 5}),
            ("datatable_remove", {"instance_id": "t", "row_ids": [4]}),
            ("datatable_remove", {"instance_id": "t", "row_ids": [1, "b"]}),
        ]

    def test_values_json_cannot_hold_become_text(self):
        import datetime
        cmds = self.commands(lambda: datatable_update("t", datetime.date(2024, 5, 6), row_id=1, field="d"))
        assert cmds[0]["spec"]["value"] == "2024-05-06"

    def test_bad_arguments(self):
        errors = []

        def app():
            for call in (lambda: datatable_update("t", 1, field="a"),
                         lambda: datatable_update("", []),
                         lambda: datatable_update(3, []),
                         lambda: datatable_update("t", "x", row_id=1),
                         lambda: datatable_update("t", 1, row_id=[1]),
                         lambda: datatable_insert("t", "nope"),
                         lambda: datatable_insert("t", [1]),
                         lambda: datatable_remove("t", [{"a": 1}])):
                try:
                    call()
                except (TypeError, ValueError) as exc:
                    errors.append(exc)
            put_text("done")
        with run(app) as client:
            client.wait_for("output", lambda s: s.get("content") == "done")
        assert len(errors) == 8
        assert isinstance(errors[0], ValueError) and "row_id" in str(errors[0])
        assert "instance_id" in str(errors[1]) and "instance_id" in str(errors[2])
        assert "data" in str(errors[3]) and "row_id" in str(errors[4])
        assert "records" in str(errors[5]) and "records[0]" in str(errors[6]) and "row_ids[0]" in str(errors[7])


def test_spec_json_holds_the_lazy_marker():
    """The page loads the grid module when a frame's text holds '"type":"datatable"'."""
    def app():
        put_datatable([{"a": 1}])
    with run(app) as client:
        client.wait_for("output", lambda s: s["type"] == "datatable")
        assert any('"type":"datatable"' in json.dumps(f, separators=(",", ":")) for f in client.frames)
