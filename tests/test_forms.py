"""The form engine (pywebio_lite.forms) on its own: one decoder per kind of field, each refusing
what a browser could not have sent."""
import math

import pytest

from pywebio_lite import forms
from pywebio_lite.forms import DECODERS, BadValue, InputItem


def item(kind, **spec):
    values = spec.pop("values", None)
    return InputItem({"type": kind, "name": "f", **spec}, values=values)


def test_every_kind_the_input_functions_make_has_a_decoder():
    kinds = {forms.TEXT, forms.NUMBER, forms.FLOAT, forms.PASSWORD, forms.URL, forms.DATE, forms.TIME,
             forms.COLOR, forms.DATETIME_LOCAL, forms.TEXTAREA, forms.SELECT, forms.CHECKBOX, forms.RADIO,
             forms.SLIDER, forms.ACTIONS, forms.FILE}
    assert set(DECODERS) == kinds


def test_an_unknown_kind_refuses_every_value():
    with pytest.raises(BadValue):
        item("colour-wheel").decode("red")


@pytest.mark.parametrize("kind, spec, raw, expected", [
    (forms.TEXT, {"maxlength": 3}, "abc", "abc"),
    (forms.NUMBER, {}, 7, 7),
    (forms.NUMBER, {}, "", None),
    (forms.FLOAT, {}, 2, 2.0),
    (forms.SLIDER, {"min_value": 0, "max_value": 10}, 4.6, 5),
    (forms.SLIDER, {"min_value": 0, "max_value": 1, "float": True}, 0.5, 0.5),
    (forms.SELECT, {"options": [{"label": "a", "value": 0}, {"label": "b", "value": 1}], "values": ("A", "B")}, 1, "B"),
    (forms.SELECT, {"multiple": True, "options": [{"label": "a", "value": 0}, {"label": "b", "value": 1}],
                    "values": ("A", "B")}, [1, 0], ["B", "A"]),
    (forms.CHECKBOX, {"options": [{"label": "a", "value": 0}], "values": [("t",)]}, [0], [("t",)]),
    (forms.RADIO, {"options": [{"label": "a", "value": 0}], "values": [None]}, None, None),
    (forms.ACTIONS, {"buttons": [{"label": "ok", "value": 0, "type": "submit"}], "values": ["OK"]}, 0, "OK"),
    (forms.FILE, {}, [{"file": 0}], [{"file": 0}]),
])
def test_decoders_accept_what_a_browser_sends(kind, spec, raw, expected):
    assert item(kind, **spec).decode(raw) == expected


@pytest.mark.parametrize("kind, spec, raw", [
    (forms.TEXT, {}, 5),
    (forms.TEXT, {"maxlength": 3}, "abcd"),
    (forms.NUMBER, {}, 1.5),
    (forms.NUMBER, {}, True),
    (forms.FLOAT, {}, math.inf),
    (forms.FLOAT, {}, "1"),
    (forms.SLIDER, {"min_value": 0, "max_value": 10}, 11),
    (forms.SLIDER, {"min_value": 0, "max_value": 10}, math.nan),
    (forms.SELECT, {"options": [{"label": "a", "value": 0}], "values": ["A"]}, 1),
    (forms.SELECT, {"options": [{"label": "a", "value": 0, "disabled": True}], "values": ["A"]}, 0),
    (forms.CHECKBOX, {"options": [{"label": "a", "value": 0}], "values": ["A"]}, [0, 0]),
    (forms.CHECKBOX, {"options": [{"label": "a", "value": 0}], "values": ["A"]}, "0"),
    (forms.ACTIONS, {"buttons": [{"label": "x", "value": 0, "type": "reset"}], "values": ["X"]}, 0),
    (forms.FILE, {}, [{"file": 0}, {"file": 1}]),
])
def test_decoders_refuse_what_a_browser_cannot_send(kind, spec, raw):
    with pytest.raises(BadValue):
        item(kind, **spec).decode(raw)


def test_input_and_pin_share_the_engine():
    from pywebio_lite import input as input_module, pin
    assert input_module.InputItem is InputItem
    assert pin.InputItem is InputItem and pin.BadValue is BadValue
    assert input_module.TEXT is forms.TEXT
