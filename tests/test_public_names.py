"""The public modules' ``__all__``: each name once, and each one defined."""
import importlib

import pytest

MODULES = ["pywebio_lite.input", "pywebio_lite.output", "pywebio_lite.pin", "pywebio_lite.session",
           "pywebio_lite.platform", "pywebio_lite.io_ctrl"]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_each_name_once(name):
    module = importlib.import_module(name)
    names = list(module.__all__)
    assert sorted(n for n in set(names) if names.count(n) > 1) == []


@pytest.mark.parametrize("name", MODULES)
def test_all_names_are_defined(name):
    module = importlib.import_module(name)
    missing = [n for n in module.__all__ if not hasattr(module, n)]
    assert missing == []
