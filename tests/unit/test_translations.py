"""Every user-facing string has a Chinese translation, and the English source needs none."""
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHODS = [
    ("webapp/**.py", "python"),
    ("sync/**.py", "python"),
    ("templates/**.html", "jinja2"),
]


def source_messages() -> set[str]:
    """Every msgid marked for translation in the source, extracted fresh."""
    found: set[str] = set()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        if isinstance(message, tuple):
            found.add(message[0])
        else:
            found.add(message)
    return {m for m in found if m}


def test_source_strings_are_found():
    """The extractor sees the app's strings (guards against a broken method map)."""
    messages = source_messages()
    assert "Sign in" in messages
    assert len(messages) > 50


def test_every_string_has_a_chinese_translation():
    """A user-facing string with no zh translation fails the suite, naming the strings."""
    with open(ROOT / "webapp/translations/zh/LC_MESSAGES/messages.po", encoding="utf-8") as fh:
        catalog = read_po(fh, locale="zh")
    missing = []
    for msgid in sorted(source_messages()):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
        elif isinstance(message.string, tuple) and not all(message.string):
            missing.append(msgid)
    assert not missing, f"{len(missing)} strings without a Chinese translation: {missing[:40]}"
