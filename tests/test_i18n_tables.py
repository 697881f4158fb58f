"""Every language has every message: the page's labels (static/js/i18n.js) and the server's
validation messages (pywebio_lite/i18n.py)."""
import re
from pathlib import Path

import pytest

from pywebio_lite import forms, i18n
from pywebio_lite.platform.page import STATIC_PATH

JS = (Path(STATIC_PATH) / "js" / "i18n.js").read_text(encoding="utf-8")
OTHERS = (Path(STATIC_PATH) / "js" / "i18n-tables.js").read_text(encoding="utf-8")


def js_tables() -> dict:
    """{language: set of keys} read from i18n.js (EN) and i18n-tables.js (the others)."""
    en = JS[JS.index("const EN = {"):JS.index("};", JS.index("const EN = {"))]
    tables = {"en": set(re.findall(r"^\s*(\w+):", en, re.M))}
    for lang, block in re.findall(r"^  (\w\w): \{(.*?)^  \},", OTHERS, re.M | re.S):
        tables[lang] = set(re.findall(r"(\w+): ['\"]", block))
    return tables


def test_the_page_ships_pywebios_languages_and_more():
    assert {"en", "zh", "de", "fr", "es", "ru", "ja"} <= set(js_tables())
    listed = re.search(r"const OTHERS = \[([^\]]*)\]", JS).group(1)
    assert set(re.findall(r"'(\w+)'", listed)) == set(js_tables()) - {"en"}


@pytest.mark.parametrize("lang", ["zh", "de", "fr", "es", "ru", "ja"])
def test_every_page_label_is_translated(lang):
    tables = js_tables()
    assert tables[lang] == tables["en"]


def test_every_server_message_is_translated():
    source = Path(forms.__file__).read_text(encoding="utf-8")
    english = set(re.findall(r'BadValue\("([^"]+)"\)', source)) | {forms.BAD_VALUE, forms.INVALID_INPUT}
    assert english
    for lang, table in i18n._MESSAGES.items():
        assert set(table) == english, lang
    assert set(i18n.LANGUAGES) == {"en", "zh", "de", "fr", "es", "ru", "ja"}
