"""How ffmpeg children share the CPU with everything else on the machine (the setting
`encoder_priority`): "background" runs them as SCHED_IDLE, in an idle cgroup where one
can be made; "normal" as SCHED_BATCH. Named here so that the settings can declare it and
the engine apply it without either importing the other."""

from __future__ import annotations

from typing import Literal

EncoderPriority = Literal["background", "normal"]
