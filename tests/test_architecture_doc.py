"""docs/ARCHITECTURE.md stays true: every file and folder it names exists, every dotted
name it gives (`queue.planning.plan_for_job`) imports, and its map of the rooms names
every room of the package and nothing else."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.helpers import ROOT

DOC = ROOT / "docs" / "ARCHITECTURE.md"
PACKAGE = ROOT / "aiom4b_tui"
TOKENS = re.findall(r"`([^`\s]+)`", DOC.read_text(encoding="utf-8"))
FILE_SUFFIXES = (".py", ".md", ".toml", ".tcss", "/")
# `room/module.py`, `room/`, `README.md`; `room/module.name` is the file and a name in it.
PATHS = sorted(
    {
        t
        for t in TOKENS
        if ("/" in t or t.endswith(FILE_SUFFIXES)) and not t.startswith(("/", "<")) and "*" not in t
    }
)
# `queue.planning.plan_for_job`, `safe_text.visible`: a module of the package and names in it.
DOTTED = sorted(
    {
        t.split("(")[0]
        for t in TOKENS
        if re.fullmatch(r"[a-z_]+(\.[A-Za-z_]+)+(\(.*\))?", t) and not t.endswith(FILE_SUFFIXES)
    }
)


def _exists(token: str) -> bool:
    if "/" in token and not token.endswith(FILE_SUFFIXES):  # `config/settings.Settings`
        module, _, name = token.rpartition(".")
        return _exists(module + ".py") and _resolves(module.replace("/", ".") + "." + name)
    token = token.rstrip("/")
    if (ROOT / token).exists() or (PACKAGE / token).exists():
        return True
    if (ROOT / "tests" / token).exists():
        return True
    # A name given inside its room's paragraph (`runner/`, `errors.py`): somewhere below.
    return any(p.as_posix().endswith("/" + token) for p in PACKAGE.rglob("*"))


@pytest.mark.parametrize("token", PATHS)
def test_every_path_it_names_exists(token: str) -> None:
    assert _exists(token), f"docs/ARCHITECTURE.md names {token}, which is not there"


def _resolves(dotted: str) -> bool:
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        module_name = "aiom4b_tui." + ".".join(parts[:cut])
        try:
            value = importlib.import_module(module_name)
        except ImportError:
            continue
        for name in parts[cut:]:
            if not hasattr(value, name):
                return False
            value = getattr(value, name)
        return True
    return False


@pytest.mark.parametrize("dotted", [d for d in DOTTED if d.split(".")[0] != "pyproject"])
def test_every_dotted_name_it_gives_imports(dotted: str) -> None:
    assert _resolves(dotted), f"docs/ARCHITECTURE.md names {dotted}, which does not import"


def test_its_map_of_the_rooms_is_the_package() -> None:
    line = next(
        ln for ln in DOC.read_text(encoding="utf-8").splitlines() if ln.startswith("cli  >")
    )
    named = set(re.findall(r"[a-z_]+", line))
    rooms = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = {p.stem for p in PACKAGE.glob("*.py") if p.stem not in ("__init__", "__main__")}
    assert named == rooms | modules


INTERFACES = ROOT / "docs" / "INTERFACES.md"
ROOM_PATH = r"\b((?:engine|store|queue|lookup|config|ui|cli|job_options)/[\w/]+\.py)"


@pytest.mark.parametrize(
    "path", sorted(set(re.findall(ROOM_PATH, INTERFACES.read_text(encoding="utf-8"))))
)
def test_every_module_the_interfaces_page_names_exists(path: str) -> None:
    assert (PACKAGE / path).is_file(), f"docs/INTERFACES.md names {path}, which is not there"
