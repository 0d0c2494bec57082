"""What the tests share: fixtures, fakes and audio makers, each written once.

`ROOT` is the checkout the tests run from; `HELPERS` this folder (scripts the tests run
in a process of their own live here too).
"""

from pathlib import Path

HELPERS = Path(__file__).resolve().parent
ROOT = HELPERS.parents[1]
