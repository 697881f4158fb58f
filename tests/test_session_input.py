"""Session tests without a browser: every input function, pin function and session call, and every
bad input a browser could send. Apps run in real sessions through pywebio_lite.testing.AppClient."""

import hashlib
import logging
import mmap

import pytest

from pywebio_lite.input import (COLOR, DATE, DATETIME, DATETIME_LOCAL, FLOAT, NUMBER, PASSWORD, TEXT, TIME, URL,
                                actions, checkbox, file_upload, input, input_group, input_update, radio, select,
                                slider, textarea)
from pywebio_lite.output import put_text
from pywebio_lite.pin import (get_pin_values, pin, pin_on_change, pin_wait_change, put_actions,
                              put_checkbox, put_file_upload, put_input, put_radio, put_select, put_slider,
                              put_textarea)
from pywebio_lite.session import eval_js, info
from pywebio_lite.session import uploads as upload_module
from pywebio_lite.testing import AppClient


def show(value):
    put_text(repr(value))


def shown(client, value):
    """Wait until the app showed repr(value)."""
    client.wait_for("output", lambda s: s.get("content") == repr(value))


def form(client, after=0, label=None):
    return client.wait_for("input_group", (lambda s: s.get("label") == label) if label is not None else None,
                           after=after)


def errors_for(client, name):
    return [c["spec"]["attributes"].get("invalid_feedback") for c in client.commands
            if c["command"] == "update_input" and c["spec"]["target_name"] == name
            and c["spec"]["attributes"].get("valid_status") is False]


class TestSingleInputs:
    @pytest.mark.parametrize("kind,raw,expected", [
        (TEXT, "Ada", "Ada"), (PASSWORD, "s3cret", "s3cret"), (URL, "https://x.org", "https://x.org"),
        (DATE, "2026-11-24", "2026-11-24"), (TIME, "10:30", "10:30"), (COLOR, "#ff0000", "#ff0000"),
        (DATETIME_LOCAL, "2026-11-24T10:30", "2026-11-24T10:30"), (NUMBER, 42, 42), (NUMBER, None, None),
        (FLOAT, 2.5, 2.5), (FLOAT, 3, 3.0)])
    def test_types_return_the_right_python_type(self, kind, raw, expected):
        def main():
            show(input("Q", type=kind))
        with AppClient(main) as c:
            f = form(c)
            assert f["spec"]["label"] == "Q"
            item = f["spec"]["inputs"][0]
            assert item["type"] == kind and item["name"] == "data" and item["auto_focus"] is True
            c.submit(f, {"data": raw})
            shown(c, expected)
            assert type(expected) is type(eval(repr(expected)))
            c.wait_for("destroy_form")

    def test_datetime_alias(self):
        assert DATETIME == DATETIME_LOCAL == "datetime-local"

    def test_all_parameters_reach_the_spec(self):
        def main():
            input("This is label", type=TEXT, placeholder="This is placeholder", help_text="This is help text",
                  required=True, readonly=False, value="v", datalist=["a", "b"], maxlength=5, data_x="1")
        with AppClient(main) as c:
            item = form(c)["spec"]["inputs"][0]
            assert item == {"type": "text", "label": "", "value": "v", "placeholder": "This is placeholder",
                            "required": True, "readonly": False, "datalist": ["a", "b"],
                            "help_text": "This is help text", "attrs": {"maxlength": 5, "data-x": "1"},
                            "name": "data", "auto_focus": True}

    def test_bad_arguments(self):
        def main():
            with pytest.raises(ValueError):
                input("x", type="week")
            with pytest.raises(ValueError):
                input("x", name="bad name")
            with pytest.raises(TypeError):
                input("x", action=("label", "not callable"))
            with pytest.raises(TypeError):
                input("x", validate="nope")
            with pytest.raises(ValueError):
                textarea("x", rows=0)
            with pytest.raises(ValueError):
                slider("x", min_value=5, max_value=1)
            with pytest.raises(ValueError):
                select("x", [{"label": "no value"}])
            with pytest.raises(ValueError):
                actions("x", [("a", 1, "explode")])
            with pytest.raises(ValueError):
                file_upload("x", max_size="lots")
            with pytest.raises(TypeError):
                input_group("x", [input("not named")]) if False else input_group("x", ["a string"])
            with pytest.raises(ValueError):
                input_group("x", [input("a", name="n"), input("b", name="n")])
            put_text("done")
        with AppClient(main) as c:
            c.wait_for("output", lambda s: s.get("content") == "done")

    def test_validate_on_blur_and_submit(self):
        def check_age(p):
            if p < 10:
                return "Too young!!"
            if p > 60:
                return "Too old!!"

        def main():
            show(input("How old are you?", type=NUMBER, validate=check_age))
        with AppClient(main) as c:
            f = form(c)
            assert f["spec"]["inputs"][0]["validate"] is True
            c.input_event(f, "data", 5, "blur")
            c.wait_until(lambda: errors_for(c, "data") == ["Too young!!"])
            c.input_event(f, "data", 30, "blur")
            c.wait_for("update_input", lambda s: s["attributes"].get("valid_status") == 0)
            c.submit(f, {"data": 99})
            c.wait_until(lambda: errors_for(c, "data") == ["Too young!!", "Too old!!"])
            assert not any(x["command"] == "destroy_form" for x in c.commands)
            c.submit(f, {"data": 30})
            shown(c, 30)

    def test_validate_that_raises_shows_generic_message(self, caplog):
        def main():
            show(input("x", validate=lambda v: 1 / 0))
        with caplog.at_level(logging.CRITICAL):
            with AppClient(main) as c:
                f = form(c)
                c.submit(f, {"data": "a"})
                c.wait_until(lambda: errors_for(c, "data") == ["Your input is not valid"])

    def test_textarea_and_code(self):
        def main():
            show(textarea("Code Edit", code={"mode": "python", "theme": "darcula"}, value="import x", rows=3))
        with AppClient(main) as c:
            f = form(c)
            item = f["spec"]["inputs"][0]
            assert item["code"] == {"mode": "python", "theme": "darcula"} and item["rows"] == 3
            c.submit(f, {"data": "def f():\n\treturn 1\n"})
            shown(c, "def f():\n\treturn 1\n")

    def test_select_checkbox_radio_keep_values_on_the_server(self):
        marker = ("tuple", 1)

        def main():
            show(select("Which gift you want?", ["keyboard", "ipad"]))
            show(select("many", [("A", marker), ("B", {"k": 2}, True), ("C", 3, False, True)], multiple=True))
            show(checkbox("User Term", options=["I agree to terms and conditions"]))
            show(radio("Choose one", options=["A", "B", "C", "D"]))
            show(radio("nothing", options=["A"]))
        with AppClient(main) as c:
            f1 = form(c)
            assert f1["spec"]["inputs"][0]["options"] == [{"label": "keyboard", "value": 0}, {"label": "ipad", "value": 1}]
            c.submit(f1, {"data": 1})
            shown(c, "ipad")
            f2 = form(c, label="many")
            assert f2["spec"]["inputs"][0]["options"][1]["selected"] is True
            assert f2["spec"]["inputs"][0]["options"][2]["disabled"] is True
            c.submit(f2, {"data": [0, 1]})
            shown(c, [marker, {"k": 2}])
            f3 = form(c, label="User Term")
            c.submit(f3, {"data": [0]})
            shown(c, ["I agree to terms and conditions"])
            f4 = form(c, label="Choose one")
            c.submit(f4, {"data": 2})
            shown(c, "C")
            f5 = form(c, label="nothing")
            c.submit(f5, {"data": None})
            shown(c, None)

    def test_value_preselects_options(self):
        def main():
            select("s", ["a", "b"], value="b")
            checkbox("c", ["a", "b", "c"], value=["a", "c"])
        with AppClient(main) as c:
            opts = form(c)["spec"]["inputs"][0]["options"]
            assert [o.get("selected", False) for o in opts] == [False, True]
            f = form(c)
            c.submit(f, {"data": 0})
            opts = form(c, label="c")["spec"]["inputs"][0]["options"]
            assert [o.get("selected", False) for o in opts] == [True, False, True]

    def test_actions(self):
        def main():
            show(actions("What next?", ["Go", ("Stay", "stay-value"), {"label": "Quit", "type": "cancel"}]))
            show(actions("again", [{"label": "x", "value": 1}]))
        with AppClient(main) as c:
            f = form(c)
            buttons = f["spec"]["inputs"][0]["buttons"]
            assert [b["type"] for b in buttons] == ["submit", "submit", "cancel"]
            c.submit(f, {"data": 1})
            shown(c, "stay-value")
            f2 = form(c, label="again")
            c.cancel(f2)  # no cancel button in this one: refused
            c.submit(f2, {"data": 0})
            shown(c, 1)

    def test_actions_cancel_button_returns_none(self):
        def main():
            show(actions("q", [("ok", 1), ("no", 2, "cancel")]))
        with AppClient(main) as c:
            c.cancel(form(c))
            shown(c, None)

    def test_slider_int_and_float(self):
        def main():
            show(slider("int", value=3, min_value=0, max_value=10))
            show(slider("float", value=0.5, min_value=0, max_value=1, step=0.1))
        with AppClient(main) as c:
            f = form(c)
            c.submit(f, {"data": 7})
            shown(c, 7)
            f2 = form(c, label="float")
            assert f2["spec"]["inputs"][0]["float"] is True
            c.submit(f2, {"data": 0.7})
            shown(c, 0.7)

    def test_input_action_set_value_with_label(self):
        def pick(set_value):
            set_value(("any", "object"), label="Picked item")

        def main():
            show(input("Thing", action=("Pick", pick)))
        with AppClient(main) as c:
            f = form(c)
            action = f["spec"]["inputs"][0]["action"]
            assert action["label"] == "Pick"
            c.send("callback", action["callback_id"])
            u = c.wait_for("update_input")
            assert u["spec"]["attributes"] == {"value": "Picked item", "readonly": True}
            assert u["task_id"] == f["task_id"]
            c.submit(f, {"data": "Picked item"})
            shown(c, ("any", "object"))
            c.wait_closed()  # the action callback was dropped with the form, so the app ends

    def test_onchange_and_input_update(self):
        def on_country(country):
            input_update("city", options={"fr": ["Paris", "Lyon"], "it": ["Roma"]}[country])

        def main():
            with pytest.raises(RuntimeError):
                input_update("city", options=[])
            show(input_group("Where", [select("Country", ["fr", "it"], name="country", onchange=on_country),
                                       select("City", ["Paris", "Lyon"], name="city")]))
        with AppClient(main) as c:
            f = form(c)
            assert f["spec"]["inputs"][0]["onchange"] is True
            c.input_event(f, "country", 1)
            u = c.wait_for("update_input")
            assert u["spec"]["target_name"] == "city"
            assert u["spec"]["attributes"]["options"] == [{"label": "Roma", "value": 0}]
            c.submit(f, {"country": 1, "city": 0})
            shown(c, {"country": "it", "city": "Roma"})

    def test_input_update_rejects_fixed_settings(self):
        box = {}

        def on_change(v):
            try:
                input_update(type="password")
            except ValueError as e:
                box["error"] = str(e)

        def main():
            input("x", onchange=on_change)
        with AppClient(main) as c:
            c.input_event(form(c), "data", "a")
            c.wait_until(lambda: "type" in box.get("error", ""))


class TestInputGroup:
    def test_group_returns_dict_and_group_validate(self):
        def check_form(data):
            if len(data["name"]) > 6:
                return ("name", "Name too long!")
            if data["age"] <= 0:
                return ("age", "Age can not be negative!")

        def main():
            data = input_group("Basic info", [input("Input your name", name="name"),
                                              input("Input your age", name="age", type=NUMBER)],
                               validate=check_form)
            put_text(data["name"], data["age"])
        with AppClient(main) as c:
            f = form(c)
            assert [i["name"] for i in f["spec"]["inputs"]] == ["name", "age"]
            assert f["spec"]["inputs"][0]["auto_focus"] is True
            c.submit(f, {"name": "Bartholomew", "age": 3})
            c.wait_until(lambda: errors_for(c, "name") == ["Name too long!"])
            c.submit(f, {"name": "Bart", "age": -1})
            c.wait_until(lambda: errors_for(c, "age") == ["Age can not be negative!"])
            c.submit(f, {"name": "Bart", "age": 3})
            c.wait_for("output", lambda s: s.get("content") == "Bart 3")

    def test_bad_group_validate_return_is_an_error(self, caplog):
        def main():
            input_group("g", [input("a", name="a")], validate=lambda d: "just a string")
        with caplog.at_level(logging.CRITICAL):
            with AppClient(main) as c:
                c.submit(form(c), {"a": "x"})
                c.wait_for("toast")

    def test_cancelable(self):
        def main():
            show(input_group("g", [input("a", name="a")], cancelable=True))
        with AppClient(main) as c:
            f = form(c)
            assert f["spec"]["cancelable"] is True
            c.cancel(f)
            shown(c, None)

    def test_group_with_actions_last(self):
        def main():
            show(input_group("g", [input("a", name="a"), actions("", [("Save", "save"), ("Reset", None, "reset")],
                                                                  name="act")]))
        with AppClient(main) as c:
            f = form(c)
            c.submit(f, {"a": "x", "act": 0})
            shown(c, {"a": "x", "act": "save"})

    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_both_session_kinds(self, kind):
        def sync_main():
            show(input_group("g", [input("a", name="a"), checkbox("c", [1, 2], name="c")]))
            show(input("b"))

        async def async_main():
            show(await input_group("g", [input("a", name="a"), checkbox("c", [1, 2], name="c")]))
            show(await input("b"))
        with AppClient(sync_main if kind == "thread" else async_main) as c:
            c.submit(form(c), {"a": "x", "c": [1]})
            shown(c, {"a": "x", "c": [2]})
            c.submit(form(c, label="b"), {"data": "y"})
            shown(c, "y")


class TestBadInput:
    """Whatever a browser sends, the app only ever sees valid values."""

    @pytest.mark.parametrize("make,raw", [
        (lambda: input("n", type=NUMBER), "12"), (lambda: input("n", type=NUMBER), 1.5),
        (lambda: input("n", type=NUMBER), True), (lambda: input("f", type=FLOAT), "x"),
        (lambda: input("t"), 5), (lambda: input("t"), ["a"]), (lambda: select("s", ["a"]), 3),
        (lambda: select("s", ["a"]), "a"), (lambda: select("s", ["a", "b"], multiple=True), [0, 0]),
        (lambda: select("s", [("a", 1), ("b", 2, False, True)]), 1),
        (lambda: checkbox("c", ["a"]), 0), (lambda: checkbox("c", ["a"]), [5]),
        (lambda: radio("r", ["a"]), -1), (lambda: slider("sl", max_value=10), 11),
        (lambda: slider("sl"), "5"), (lambda: actions("a", [("x", 1), ("r", 2, "reset")]), 1),
        (lambda: textarea("t", maxlength=3), "toolong"), (lambda: file_upload("f"), "not a list")])
    def test_wrong_value_is_refused_and_form_stays(self, make, raw, caplog):
        box = {}

        def main():
            box["value"] = make()
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                c.submit(f, {"data": raw})
                c.wait_until(lambda: errors_for(c, "data"))
                assert "value" not in box
                assert not any(x["command"] == "destroy_form" for x in c.commands)
        assert "refused" in caplog.text

    def test_missing_field_and_non_dict_and_stale_form(self, caplog):
        def main():
            show(input_group("g", [input("a", name="a"), input("b", name="b")]))
            show(input("second"))
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                c.submit(f, {"a": "only a"})
                c.submit(f, ["not", "a", "dict"])
                c.send("from_submit", f["task_id"], {"a": "x", "b": "y"})  # no form id
                c.send("from_submit", f["task_id"], {"a": "x", "b": "y"}, form="f-made-up")
                c.submit(f, {"a": "x", "b": "y"})
                shown(c, {"a": "x", "b": "y"})
                f2 = form(c, label="second")
                c.submit(f, {"data": "answer to the old form"})  # that form is gone
                c.input_event(f, "data", "x")
                c.submit(f2, {"data": "ok"})
                shown(c, "ok")
                assert not any(s.get("content") == repr("answer to the old form") for s in c.outputs())
        assert "missing the fields b" in caplog.text
        assert "a form that is not open" in caplog.text

    def test_cancel_refused_when_not_cancelable(self, caplog):
        def main():
            show(input("x"))
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                c.cancel(f)
                c.submit(f, {"data": "still here"})
                shown(c, "still here")
        assert "cannot be cancelled" in caplog.text

    def test_events_for_unknown_fields_are_dropped(self, caplog):
        def main():
            show(input("x", onchange=lambda v: put_text("changed", v)))
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                c.input_event(f, "nope", "v")
                c.input_event(f, "data", "v", event_name="dance")
                c.send("input_event", f["task_id"], "not a dict", form=f["spec"]["form_id"])
                c.input_event(f, "data", "v")
                c.wait_for("output", lambda s: s.get("content") == "changed v")
                c.submit(f, {"data": "v"})
                shown(c, "v")
        assert caplog.text.count("dropped an input_event") == 3


class TestFileUpload:
    def test_single_file(self):
        def main():
            f = file_upload("Select a image:", accept="image/*")
            show((f["filename"], f["content"], f["mime_type"], f["last_modified"]))
        with AppClient(main) as c:
            f = form(c)
            item = f["spec"]["inputs"][0]
            assert item["accept"] == "image/*" and item["type"] == "file"
            target = f["spec"]["upload_target"]
            c.upload(target, "data", 0, b"PNGDATA")
            c.submit(f, {"data": [AppClient.file_descriptor(0, "../../etc/a.png", 7, "image/png", 1700000000.5)]})
            shown(c, ("a.png", b"PNGDATA", "image/png", 1700000000.5))

    def test_no_file_and_multiple(self):
        def main():
            show(file_upload("none"))
            files = file_upload("many", multiple=True)
            show([(f["filename"], f["content"]) for f in files])
        with AppClient(main) as c:
            c.submit(form(c), {"data": []})
            shown(c, None)
            f = form(c, label="many")
            target = f["spec"]["upload_target"]
            c.upload(target, "data", 0, b"one")
            c.upload(target, "data", 1, b"")
            c.submit(f, {"data": [AppClient.file_descriptor(0, "a.txt", 3), AppClient.file_descriptor(1, "b.txt", 0)]})
            shown(c, [("a.txt", b"one"), ("b.txt", b"")])

    def test_sizes_parse(self):
        def main():
            file_upload("f", max_size="40K", max_total_size="3M", multiple=True)
        with AppClient(main) as c:
            item = form(c)["spec"]["inputs"][0]
            assert item["max_size"] == 40 * 1024 and item["max_total_size"] == 3 * 1024 * 1024

    def test_oversize_file_is_refused_at_the_field_and_form_stays_usable(self):
        def main():
            f = file_upload("small", max_size=10)
            show(f["content"])
        with AppClient(main) as c:
            f = form(c)
            target = f["spec"]["upload_target"]
            c.upload(target, "data", 0, b"x" * 20)
            c.wait_until(lambda: errors_for(c, "data") and "too big" in errors_for(c, "data")[0])
            c.submit(f, {"data": [AppClient.file_descriptor(0, "big", 20)]})
            c.wait_until(lambda: len(errors_for(c, "data")) == 2)
            c.upload(target, "data", 1, b"fine")
            c.submit(f, {"data": [AppClient.file_descriptor(1, "ok", 4)]})
            shown(c, b"fine")

    def test_total_size_limit(self):
        def main():
            file_upload("t", multiple=True, max_total_size=10)
        with AppClient(main) as c:
            f = form(c)
            target = f["spec"]["upload_target"]
            c.upload(target, "data", 0, b"x" * 6)
            c.upload(target, "data", 1, b"y" * 6)
            c.wait_until(lambda: errors_for(c, "data") and "together" in errors_for(c, "data")[0])

    def test_bad_chunks_and_unfinished_uploads(self, caplog):
        def main():
            f = file_upload("f")
            show(f["content"])
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                f = form(c)
                target = f["spec"]["upload_target"]
                c.send_binary(b"\x00")
                c.send_binary(b"\x00\x00\x00\x05{}")
                c.send_binary(b"\x00\x00\x00\x02{}xyz")
                c.upload("not-a-target", "data", 0, b"x")
                c.upload(target, "other-name", 0, b"x")
                c.upload(target, "data", 0, b"abc", declared_size=10)  # declared 10, sent 3
                c.submit(f, {"data": [AppClient.file_descriptor(0, "partial", 10)]})
                c.wait_until(lambda: errors_for(c, "data") and "did not finish" in errors_for(c, "data")[0])
                c.submit(f, {"data": [AppClient.file_descriptor(9, "never sent", 1)]})
                c.wait_until(lambda: len(errors_for(c, "data")) == 2)
                c.upload(target, "data", 3, b"good")
                c.submit(f, {"data": [AppClient.file_descriptor(3, "g", 4)]})
                shown(c, b"good")
        assert "malformed upload chunk" in caplog.text and "unknown target" in caplog.text

    def test_a_file_cut_off_by_a_drop_and_sent_again_whole(self):
        """The page sends a file again under a new number after a reconnect (upload.js): the
        unfinished copy is dropped, and does not count against max_total_size."""
        def main():
            f = file_upload("f", max_total_size=10)
            show(f["content"])
        with AppClient(main) as c:
            f = form(c)
            target = f["spec"]["upload_target"]
            c.upload(target, "data", 0, b"abc", declared_size=8)  # 3 of 8 bytes, then the drop
            c.upload(target, "data", 1, b"abcdefgh")             # again, whole: 8 + 8 > 10 if both counted
            c.submit(f, {"data": [AppClient.file_descriptor(1, "again", 8)]})
            shown(c, b"abcdefgh")
            assert not errors_for(c, "data")

    def test_big_file_streams_to_disk_and_comes_back_as_mmap(self, monkeypatch):
        monkeypatch.setattr(upload_module, "MMAP_THRESHOLD", 1 << 20)
        block = bytes(range(256)) * 1024  # 256 KiB
        n_blocks = 12  # 3 MiB, over the lowered threshold and over the 1 MiB memory spool
        expected = hashlib.sha256(block * n_blocks).hexdigest()

        def main():
            f = file_upload("big")
            content = f["content"]
            show((type(content).__name__, len(content), hashlib.sha256(content).hexdigest()))
        with AppClient(main) as c:
            f = form(c)
            target = f["spec"]["upload_target"]
            for i in range(n_blocks):
                head = ('{"target":"%s","name":"data","file":0,"size":%d,"offset":%d}'
                        % (target, len(block) * n_blocks, i * len(block))).encode()
                c.send_binary(len(head).to_bytes(4, "big") + head + block)
            c.submit(f, {"data": [AppClient.file_descriptor(0, "big.bin", len(block) * n_blocks)]})
            shown(c, ("mmap", len(block) * n_blocks, expected))
        assert mmap.mmap  # the type name above is mmap's


class TestPins:
    def test_put_pins_specs(self):
        def main():
            put_input("i", label="Input", value="v", placeholder="p")
            put_textarea("t", rows=3, code={"mode": "sql"})
            put_select("s", ["a", "b"], value="b", multiple=False)
            put_checkbox("c", [1, 2], inline=True, value=[2])
            put_radio("r", ["x"])
            put_slider("sl", value=5, max_value=10)
            put_actions("a", buttons=["go"])
            put_file_upload("f", accept=".txt")
            with pytest.raises(AssertionError):
                put_actions("bad", buttons=[("x", 1, "reset")])
        with AppClient(main) as c:
            c.wait_for("output", lambda s: s.get("input", {}).get("name") == "f")
            pins = {s["input"]["name"]: s["input"] for s in c.outputs() if s["type"] == "pin"}
            assert set(pins) == {"i", "t", "s", "c", "r", "sl", "a", "f"}
            assert pins["i"]["label"] == "Input" and pins["i"]["value"] == "v"
            assert pins["s"]["options"][1]["selected"] is True
            assert pins["c"]["options"][1]["selected"] is True and pins["c"]["inline"] is True
            assert "validate" not in pins["i"] and "onchange" not in pins["i"]

    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_read_write_and_get_pin_values(self, kind):
        def sync_main():
            put_select("s", [("A", ("t", 1)), ("B", 2)])
            put_input("i")
            show(pin.s)
            show(pin["i"])
            show(get_pin_values(["s", "i", "gone"]))
            pin.i = "new"
            pin["s"] = 2

        async def async_main():
            put_select("s", [("A", ("t", 1)), ("B", 2)])
            put_input("i")
            show(await pin.s)
            show(await pin["i"])
            show(await get_pin_values(["s", "i", "gone"]))
            pin.i = "new"
            pin["s"] = 2

        with AppClient(sync_main if kind == "thread" else async_main) as c:
            for value, expected in (({"s": 0}, ("t", 1)), ({"i": "typed"}, "typed")):
                req = c.wait_for("pin_values", after=len(c.commands) - 1)
                c.send("js_yield", req["task_id"], value)
                shown(c, expected)
            req = c.wait_for("pin_values", lambda s: s["names"] == ["s", "i", "gone"])
            c.send("js_yield", req["task_id"], {"s": 1, "i": "x"})
            shown(c, {"s": 2, "i": "x"})
            c.wait_for("pin_update", lambda s: s["name"] == "s")
            updates = [x["spec"] for x in c.commands if x["command"] == "pin_update"]
            assert updates == [{"name": "i", "attributes": {"value": "new"}},
                               {"name": "s", "attributes": {"value": 1}}]

    def test_strict_mode(self):
        from pywebio_lite import pin as pin_module

        def main():
            pin.use_strict()
            try:
                pin.missing
            except AssertionError:
                put_text("strict")
            finally:
                object.__delattr__(pin, "_strict")
        with AppClient(main) as c:
            req = c.wait_for("pin_values")
            c.send("js_yield", req["task_id"], {})
            c.wait_for("output", lambda s: s.get("content") == "strict")
        assert pin_module.Pin_._strict is False

    def test_bad_pin_values_are_refused(self, caplog):
        def main():
            put_select("s", ["a"])
            show(get_pin_values(["s"]))
            show(get_pin_values(["s"]))
        with caplog.at_level(logging.WARNING, logger="pywebio_lite"):
            with AppClient(main) as c:
                req = c.wait_for("pin_values")
                c.send("js_yield", req["task_id"], {"s": 99})
                shown(c, {"s": None})
                req = c.wait_for("pin_values", after=c.commands.index(req) + 1)
                c.send("js_yield", req["task_id"], "not an object")
                shown(c, {})
        assert "refused" in caplog.text

    def test_pin_wait_change(self):
        def main():
            put_input("a")
            put_radio("r", ["x", "y"])
            show(pin_wait_change("a", "r"))
            show(pin_wait_change(["a"], timeout=1))
            with pytest.raises(ValueError):
                pin_wait_change()
        with AppClient(main) as c:
            w = c.wait_for("pin_wait")
            assert w["spec"] == {"names": ["a", "r"], "timeout": None}
            c.send("js_yield", w["task_id"], {"name": "r", "value": 1})
            shown(c, {"name": "r", "value": "y"})
            w2 = c.wait_for("pin_wait", lambda s: s["timeout"] == 1)
            c.send("js_yield", w2["task_id"], None)
            shown(c, None)

    def test_pin_on_change(self):
        seen = []

        def main():
            put_checkbox("c", ["a", "b"])
            pin_on_change("c", onchange=seen.append)
            pin_on_change("c", onchange=lambda v: seen.append(("second", v)))
            pin_on_change("c", clear=True)
            with pytest.raises(ValueError):
                pin_on_change("c")
        with AppClient(main) as c:
            reg = [x["spec"] for x in c.commands if x["command"] == "pin_onchange"]
            c.wait_until(lambda: len([x for x in c.commands if x["command"] == "pin_onchange"]) == 3)
            reg = [x["spec"] for x in c.commands if x["command"] == "pin_onchange"]
            assert reg[2] == {"name": "c", "callback_id": None, "clear": True}
            c.send("callback", reg[0]["callback_id"], {"value": [1]})
            c.send("callback", reg[1]["callback_id"], {"value": [0, 1]})
            c.send("callback", reg[0]["callback_id"], "junk")
            c.wait_until(lambda: len(seen) == 2)
        assert seen == [["b"], ("second", ["a", "b"])]

    @pytest.mark.parametrize("kind", ["thread", "coroutine"])
    def test_pin_on_change_init_run(self, kind):
        seen = []

        def sync_main():
            put_input("a", value="start")
            pin_on_change("a", onchange=seen.append, init_run=True)

        async def async_main():
            put_input("a", value="start")
            pin_on_change("a", onchange=seen.append, init_run=True)
        with AppClient(sync_main if kind == "thread" else async_main) as c:
            req = c.wait_for("pin_values")
            c.send("js_yield", req["task_id"], {"a": "start"})
            c.wait_until(lambda: seen == ["start"])

    def test_same_name_replaces(self):
        def main():
            put_input("x")
            put_select("x", ["a", "b"])
            show(pin.x)
        with AppClient(main) as c:
            req = c.wait_for("pin_values")
            c.send("js_yield", req["task_id"], {"x": 1})
            shown(c, "b")

    def test_file_pin_uploads(self):
        def main():
            put_file_upload("f")
            v = pin.f
            show((v["filename"], v["content"]))
        with AppClient(main) as c:
            req = c.wait_for("pin_values")
            target = req["spec"]["upload_target"]
            c.upload(target, "f", 0, b"file pin data")
            c.send("js_yield", req["task_id"], {"f": [AppClient.file_descriptor(0, "p.txt", 13)]})
            shown(c, ("p.txt", b"file pin data"))


class TestSessionCalls:
    def test_eval_js_values(self):
        def main():
            show(eval_js("1+x", x=2))
            show(eval_js("Promise.reject()"))
        with AppClient(main) as c:
            r = c.wait_for("run_script")
            assert r["spec"] == {"code": "1+x", "args": {"x": 2}, "eval": True}
            c.send("js_yield", r["task_id"], 3)
            shown(c, 3)
            r2 = c.wait_for("run_script", lambda s: s["code"] == "Promise.reject()")
            c.send("js_yield", r2["task_id"], None)
            shown(c, None)

    def test_info_fields(self):
        from pywebio_lite.useragent import parse
        ua = parse("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
                   "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1")

        def main():
            show((info.user_agent.is_mobile, info.user_agent.browser.family, info.user_language, info["user_ip"]))
            with pytest.raises(AttributeError):
                info.nope
            with pytest.raises(AttributeError):
                info.user_ip = "x"
        session_info = {"user_agent": ua, "user_language": "zh-CN", "server_host": "h", "origin": "",
                        "user_ip": "1.2.3.4", "backend": "testing", "protocol": "test", "request": None}
        with AppClient(main, session_info=session_info) as c:
            shown(c, (True, "Mobile Safari", "zh-CN", "1.2.3.4"))

    def test_pending_input_raises_when_browser_leaves(self):
        box = {}

        async def main():
            try:
                await input("never answered")
            except Exception as e:
                box["exc"] = type(e).__name__
        c = AppClient(main).start()
        form(c)
        c.close()
        assert box["exc"] == "SessionClosedException"

    def test_input_in_callback_thread_has_its_own_form(self):
        from pywebio_lite.output import put_buttons

        def ask(_):
            show(input("from callback"))

        def main():
            put_buttons(["ask"], onclick=ask)
            show(input("from main"))
        with AppClient(main) as c:
            main_form = form(c, label="from main")
            b = c.wait_for("output", lambda s: s["type"] == "buttons")["spec"]
            c.click(b, 0)
            cb_form = form(c, label="from callback")
            assert cb_form["task_id"] != main_form["task_id"]
            c.submit(cb_form, {"data": "cb answer"})
            shown(c, "cb answer")
            c.submit(main_form, {"data": "main answer"})
            shown(c, "main answer")
