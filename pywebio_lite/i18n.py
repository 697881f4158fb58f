"""The few messages the server writes itself (input validation), in the session's language.

The language is the app's choice (``set_env(language=...)`` in the session, else
``config(language=...)``), otherwise the browser's (``session.info.user_language``). The
browser-side labels (Submit, Reset, the file picker...) live in ``static/js/i18n.js`` and follow
the same rule. Languages: those PyWebIO ships (en, zh) and de, es, fr, ja, ru.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "session_language", "translate"]

#: English text -> translation, per language (primary subtag).
_MESSAGES = {
    "zh": {
        "Your input is not valid": "输入不合法",
        "This value is not valid": "此值无效",
        "Please enter a whole number": "请输入整数",
        "Please enter a number": "请输入数字",
        "Please choose one of the options": "请从选项中选择一项",
        "Please choose from the options": "请从选项中选择",
        "Please fill in this field": "请填写此字段",
    },
    "de": {
        "Your input is not valid": "Ihre Eingabe ist ungültig",
        "This value is not valid": "Dieser Wert ist ungültig",
        "Please enter a whole number": "Bitte geben Sie eine ganze Zahl ein",
        "Please enter a number": "Bitte geben Sie eine Zahl ein",
        "Please choose one of the options": "Bitte wählen Sie eine der Optionen",
        "Please choose from the options": "Bitte wählen Sie aus den Optionen",
        "Please fill in this field": "Bitte füllen Sie dieses Feld aus",
    },
    "fr": {
        "Your input is not valid": "Votre saisie n'est pas valide",
        "This value is not valid": "Cette valeur n'est pas valide",
        "Please enter a whole number": "Veuillez saisir un nombre entier",
        "Please enter a number": "Veuillez saisir un nombre",
        "Please choose one of the options": "Veuillez choisir l'une des options",
        "Please choose from the options": "Veuillez choisir parmi les options",
        "Please fill in this field": "Veuillez remplir ce champ",
    },
    "es": {
        "Your input is not valid": "Su entrada no es válida",
        "This value is not valid": "Este valor no es válido",
        "Please enter a whole number": "Introduzca un número entero",
        "Please enter a number": "Introduzca un número",
        "Please choose one of the options": "Elija una de las opciones",
        "Please choose from the options": "Elija entre las opciones",
        "Please fill in this field": "Rellene este campo",
    },
    "ru": {
        "Your input is not valid": "Введены неверные данные",
        "This value is not valid": "Недопустимое значение",
        "Please enter a whole number": "Введите целое число",
        "Please enter a number": "Введите число",
        "Please choose one of the options": "Выберите один из вариантов",
        "Please choose from the options": "Выберите из предложенных вариантов",
        "Please fill in this field": "Заполните это поле",
    },
    "ja": {
        "Your input is not valid": "入力が正しくありません",
        "This value is not valid": "この値は無効です",
        "Please enter a whole number": "整数を入力してください",
        "Please enter a number": "数値を入力してください",
        "Please choose one of the options": "選択肢から1つ選んでください",
        "Please choose from the options": "選択肢から選んでください",
        "Please fill in this field": "このフィールドを入力してください",
    },
}

LANGUAGES = ("en",) + tuple(_MESSAGES)


def session_language(session) -> str:
    """The language tag the session's built-in texts use ('' when nothing is known)."""
    chosen = getattr(session, "language_choice", None)
    if chosen:
        return chosen
    target = getattr(session, "target", None)
    if target is not None:
        from .platform.page import parse_app_metadata  # the platform layer imports us
        try:
            chosen = parse_app_metadata(target).get("language")
        except Exception:  # an odd app object: fall back to the browser's language
            chosen = None
        if chosen:
            return chosen
    info = getattr(session, "info", None) or {}
    return str(info.get("user_language") or "")


def translate(session, text: str) -> str:
    """`text` (one of the English messages above) in the session's language; other text as is."""
    primary = session_language(session).split("-")[0].lower()
    return _MESSAGES.get(primary, {}).get(text, text)
