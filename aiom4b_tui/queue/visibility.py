"""What a worker can see of a job: its paths mapped to this host (`path_map`), and
whether its folders are there at all.

A worker of a shared queue (or one with a path map) claims only the jobs whose input
folders it sees, and whose output folder (when the job names one) it can reach; it
leaves the others for another host and says so once per job in its log. A refused job
is looked at again after RECHECK_SECONDS (a mount may come back).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

from aiom4b_tui.queue.path_map import PathMap
from aiom4b_tui.store.models import JobDB

RECHECK_SECONDS = 60.0

_log = logging.getLogger(__name__)


def localize_job(job: JobDB, path_map: PathMap) -> JobDB:
    """A copy of `job` whose input folders and output folder are this host's paths."""
    if not path_map:
        return job
    folders = [path_map.local(str(folder)) for folder in job.folders()]
    options = job.job_options()
    if options.output_dir is not None:
        options = options.model_copy(
            update={"output_dir": Path(path_map.local(str(options.output_dir)))}
        )
    data = job.model_dump()
    data.update(input_folders=json.dumps(folders), options=options.model_dump_json())
    return JobDB.model_validate(data)


def unseen_paths(job: JobDB) -> list[Path]:
    """The folders of a (localized) job this host cannot see: missing input folders, and
    an output folder neither there nor creatable (its parent missing)."""
    missing = [folder for folder in job.folders() if not folder.is_dir()]
    output = job.job_options().output_dir
    if output is not None and not output.is_dir() and not output.parent.is_dir():
        missing.append(output)
    return missing


class JobVisibility:
    """Maps jobs to this host's paths and decides which ones this worker can take."""

    def __init__(
        self,
        path_map: PathMap,
        *,
        check: bool,
        recheck_seconds: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path_map = path_map
        self.check = check
        self.recheck_seconds = recheck_seconds
        self._clock = clock
        self._refused: dict[UUID, float] = {}
        self._said: set[UUID] = set()

    def localize(self, job: JobDB) -> JobDB:
        """`job` with this host's paths."""
        return localize_job(job, self.path_map)

    def refused_ids(self) -> list[UUID]:
        """Jobs refused lately: not worth looking at again yet."""
        now = self._clock()
        for job_id, since in list(self._refused.items()):
            if now - since >= self.recheck_seconds:
                del self._refused[job_id]
        return list(self._refused)

    def accept(self, job: JobDB) -> bool:
        """True when this worker can run `job` (always, when checks are off)."""
        if not self.check:
            return True
        missing = unseen_paths(self.localize(job))
        if not missing:
            self._refused.pop(job.id, None)
            return True
        self._refused[job.id] = self._clock()
        if job.id not in self._said:
            self._said.add(job.id)
            shown = ", ".join(str(path) for path in missing)
            _log.warning(
                "job %s (%s): this host cannot see %s; left for another worker",
                job.id.hex[:8],
                job.title or "",
                shown,
            )
        return False
