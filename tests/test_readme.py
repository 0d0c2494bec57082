"""The README's two set-up commands stay true: CI runs the test one verbatim."""

from __future__ import annotations

import re

from tests.helpers import ROOT


def _setup_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", setup, flags=re.S)


def test_readme_has_an_install_and_a_test_command():
    install, test = _setup_commands()
    assert "pip install" in install and install.rstrip().endswith("aiom4b")
    assert "[test]" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    _, test = _setup_commands()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
