"""The checked book moved to where the plan wants it: never over an existing file (it
becomes "Title (2).m4b", …) unless the job asked to overwrite, with the settings' file
mode whatever the umask."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from aiom4b_tui.engine.failures import ConversionError
from aiom4b_tui.engine.plan.plan import numbered_path
from aiom4b_tui.engine.work import file_modes

MAX_NUMBER = 1000  # "Title (999).m4b" at most


def place_result(result: Path, wanted: Path, *, overwrite: bool = False) -> Path:
    """Move the result to `wanted`, or `wanted (2)`, … — never over an existing file,
    unless `overwrite` (the job asked for it). It gets the settings' file mode
    (engine/work/file_modes.py) first, whatever the umask."""
    file_modes.set_file_mode(result)
    file_modes.make_dirs(wanted.parent)
    if overwrite:
        os.replace(result, wanted)
        return wanted
    for n in range(1, MAX_NUMBER):
        target = numbered_path(wanted, n)
        try:
            os.link(result, target)  # fails if target exists: no race, no overwrite
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            if target.exists():
                continue
            os.replace(result, target)  # file systems without hard links
            return target
        result.unlink()
        return target
    raise ConversionError(f"too many files named like {wanted}")
