"""The Chinese (zh-hans) translation is complete, in step with the code, and what users see.

Chinese is the default language and every msgid is English, so an untranslated string shows
English to a Chinese user. These tests keep ``locale/zh_Hans`` complete:

* every entry is translated into Chinese, none is fuzzy, and each keeps its msgid's placeholders;
* every msgid in the code (as ``makemessages`` extracts it) is in the committed catalogue;
* the login page and my desk render in Chinese by default and in English on request.
"""

import os
import re
import shutil
from collections import Counter
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils.translation.reloader import translation_file_changed

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
ZH_DIR = LOCALE_DIR / "zh_Hans" / "LC_MESSAGES"
DJANGO_PO = ZH_DIR / "django.po"

# The extraction the project runs (README / the lead): the same ignores as on the command line.
IGNORE_PATTERNS = [".venv", "var", "static/vendor/*", "staticfiles", "node_modules", "tests/*", "benchmarks/*"]
# What a copy of the source needs for makemessages: the file kinds it reads, outside what it ignores.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".js"}
NOT_SOURCE = {".git", ".venv", "var", "node_modules", "staticfiles", "media", "locale", "tests", "benchmarks"}
GETTEXT_TOOLS = ("xgettext", "msguniq", "msgmerge", "msgattrib")

# printf-style placeholders (named or not; %% is a literal percent sign) and str.format fields. The
# space flag is left out so that prose such as "50% done" is not taken for a placeholder.
PLACEHOLDER = re.compile(
    r"%(?:\([^)]*\))?[#0+-]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|\{[A-Za-z_][A-Za-z0-9_.\[\]]*(?:![rsa])?(?::[^{}]*)?\}"
)
CJK = re.compile(r"[\u3400-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}")


def placeholders(text):
    return Counter(PLACEHOLDER.findall(text))


def catalogues():
    return sorted(ZH_DIR.glob("*.po"))


def entry_label(entry):
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


# --- (a) complete and well-formed --------------------------------------------------------------


def test_the_chinese_catalogue_exists():
    assert DJANGO_PO.is_file(), f"{DJANGO_PO} is missing: run makemessages -l zh_Hans and translate it"


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda path: path.name)
def test_header_declares_chinese_with_one_plural_form(po_path):
    catalogue = polib.pofile(str(po_path))
    assert not catalogue.metadata_is_fuzzy
    assert catalogue.metadata.get("Content-Type") == "text/plain; charset=UTF-8"
    assert catalogue.metadata.get("Plural-Forms", "").replace(" ", "") == "nplurals=1;plural=0;"


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda path: path.name)
def test_every_entry_is_translated_into_chinese(po_path):
    catalogue = polib.pofile(str(po_path))
    assert len(catalogue) > 0
    fuzzy = [entry_label(e) for e in catalogue if "fuzzy" in e.flags]
    untranslated = [entry_label(e) for e in catalogue.untranslated_entries() if "fuzzy" not in e.flags]
    obsolete = [entry_label(e) for e in catalogue.obsolete_entries()]
    assert fuzzy == [], f"fuzzy entries (check and clear the flag): {fuzzy}"
    assert untranslated == [], f"untranslated entries: {untranslated}"
    assert obsolete == [], f"obsolete entries (run makemessages with --no-obsolete): {obsolete}"
    # A copied English msgstr counts as translated to gettext but not to a Chinese reader. Only a
    # msgid with words needs Chinese: a separator such as ", " becomes full-width punctuation.
    not_chinese = [
        entry_label(e)
        for e in catalogue
        if WORD.search(PLACEHOLDER.sub("", e.msgid))
        and not all(CJK.search(text) for text in ([e.msgstr] if not e.msgid_plural else e.msgstr_plural.values()))
    ]
    assert not_chinese == [], f"msgstr without any Chinese: {not_chinese}"


@pytest.mark.parametrize("po_path", catalogues(), ids=lambda path: path.name)
def test_translations_keep_the_placeholders(po_path):
    catalogue = polib.pofile(str(po_path))
    wrong = []
    for entry in catalogue.translated_entries():
        if entry.msgid_plural:
            # zh has one form, used for every count: it must fit the plural msgid's placeholders.
            assert set(entry.msgstr_plural) == {0}, f"{entry_label(entry)} needs exactly msgstr[0]"
            expected = placeholders(entry.msgid_plural)
            translations = [entry.msgstr_plural[0]]
        else:
            expected = placeholders(entry.msgid)
            translations = [entry.msgstr]
        wrong += [f"{entry_label(entry)} -> {text!r}" for text in translations if placeholders(text) != expected]
    assert wrong == [], "placeholders differ from the msgid:\n" + "\n".join(wrong)


# --- (b) in step with the code -----------------------------------------------------------------


def _copy_sources(destination):
    """The files makemessages reads, without the .venv, var, tests, vendored code or the catalogues."""
    root = Path(settings.BASE_DIR)
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath).relative_to(root)
        dirnames[:] = [
            name
            for name in dirnames
            if not name.startswith(".")
            and name != "__pycache__"
            and not (here == Path() and name in NOT_SOURCE)
            and not (here == Path("static") and name == "vendor")
        ]
        for name in filenames:
            if Path(name).suffix in SOURCE_SUFFIXES and not name.startswith("."):
                (destination / here).mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(dirpath) / name, destination / here / name)


def _keys(po_path):
    if not po_path.exists():
        return set()
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in polib.pofile(str(po_path)) if not e.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Run makemessages (both domains) on a copy of the code; return the fresh LC_MESSAGES folder."""
    missing = [tool for tool in GETTEXT_TOOLS if shutil.which(tool) is None]
    if missing:
        message = f"GNU gettext is not installed ({', '.join(missing)} missing; apt-get install gettext)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{message}: CI must check that the catalogue is in step with the code")
        pytest.skip(f"{message}: cannot check that the catalogue is in step with the code")
    copy = tmp_path_factory.mktemp("extract")
    _copy_sources(copy)
    cwd = Path.cwd()
    os.chdir(copy)
    try:
        with override_settings(LOCALE_PATHS=[str(copy / "locale")]):
            for domain in ("django", "djangojs"):
                call_command(
                    "makemessages",
                    locale=["zh_Hans"],
                    domain=domain,
                    ignore_patterns=IGNORE_PATTERNS,
                    no_obsolete=True,
                    verbosity=0,
                )
    finally:
        os.chdir(cwd)
    return copy / "locale" / "zh_Hans" / "LC_MESSAGES"


def test_extraction_finds_the_strings_of_the_code(extracted):
    """A guard for the next test: an empty extraction would make it pass for nothing."""
    fresh = _keys(extracted / "django.po")
    assert (None, "My Desk", None) in fresh
    assert len(fresh) > 100


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_every_msgid_of_the_code_is_in_the_catalogue(extracted, domain):
    fresh = _keys(extracted / f"{domain}.po")
    committed = _keys(ZH_DIR / f"{domain}.po")
    missing = sorted(fresh - committed, key=lambda key: (key[0] or "", key[1]))
    assert missing == [], (
        f"{len(missing)} msgid(s) of the code are not in locale/zh_Hans/LC_MESSAGES/{domain}.po; run makemessages "
        f"-l zh_Hans -d {domain} --no-obsolete with the project's --ignore options and translate them: "
        + "; ".join(repr(msgid) for _, msgid, _ in missing)
    )


# --- (c) what users see ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def compiled_translations():
    """Compile the .mo files (not committed) with the project's command, then drop cached catalogues."""
    call_command("compile_translations", verbosity=0)
    for mo_path in LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"):
        translation_file_changed(sender=None, file_path=mo_path)


def test_login_page_is_chinese_by_default(client, compiled_translations):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in html
    assert "登录协同办公平台" in html
    assert "Sign in to Xietong" not in html


def test_login_page_in_english(client, compiled_translations):
    response = client.get(reverse("login"), headers={"accept-language": "en"})
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Sign in to Xietong" in html
    assert "登录协同办公平台" not in html


def test_my_desk_is_chinese_by_default(client_of, user, compiled_translations):
    html = client_of(user).get(reverse("workload:desk")).content.decode()
    for chinese in ("我的工作台", "待办", "已办", "我交办的", "退出登录"):
        assert chinese in html
    for english in ("My Desk", "To Do", "Assigned by Me", "Log out"):
        assert english not in html


def test_my_desk_in_english_after_switching_language(client_of, user, compiled_translations):
    client = client_of(user)
    desk = reverse("workload:desk")
    response = client.post(reverse("set_language"), {"language": "en", "next": desk})
    assert response.status_code == 302
    html = client.get(desk).content.decode()
    for english in ("My Desk", "To Do", "Done", "Assigned by Me", "Log out"):
        assert english in html
    assert "我的工作台" not in html
