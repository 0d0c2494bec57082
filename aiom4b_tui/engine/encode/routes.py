"""Make the book's one AAC stream (raw ADTS) in the work folder, on every pool slot.

Encode path: the decoded timeline is cut into segments on 1024-sample edges; each is
encoded with pre-roll and post-roll and only the packets covering it are kept
(segment_encoder.py, notes/gapless-parallel-aac.md); they go into the MP4 in book order
as soon as the segments before them are done (mux.py): when the last segment
ends, the container is ready but for its header. Finished segments are recorded in the
work folder's manifest (engine/work/ledger.py), so an interrupted run resumes from them with
the same cuts. A book of clean MP3s is read by the encoders themselves
(sliced_route.py); any other is decoded to PCM first (decoded_route.py). The copy
route (copy_route.py) joins AAC sources without re-encoding.
"""

from __future__ import annotations

import asyncio
import dataclasses

from aiom4b_tui.engine.encode.decoded_route import encode_decoded
from aiom4b_tui.engine.encode.encoded import EncodedBook, EncodeJob
from aiom4b_tui.engine.encode.mux import InOrderMux
from aiom4b_tui.engine.encode.segment_encoder import SegmentEncoder
from aiom4b_tui.engine.encode.sliced_input import slice_sources
from aiom4b_tui.engine.encode.sliced_route import encode_sliced

MUXED_NAME = "audio.m4a"


async def encode_gapless(job: EncodeJob) -> EncodedBook:
    """Encode the book's timeline in segments on every slot and splice them.

    A book of clean MP3s at the output rate is read by the encoders themselves (its
    timeline is known from the frame tables); any other book is decoded to PCM first.
    Segments the ledger holds as finished are reused, on the cuts it recorded.
    """
    sliced = await asyncio.to_thread(slice_sources, job.plan)
    encoder = SegmentEncoder(job)
    mux = InOrderMux(job.work_dir / MUXED_NAME, encoder.frames)
    try:
        if sliced is not None:
            book = await encode_sliced(job, sliced, encoder, mux)
        else:
            book = await encode_decoded(job, encoder, mux)
        muxed = await mux.finish(len(job.ledger.manifest.cuts or []))
    except BaseException:
        await asyncio.shield(asyncio.to_thread(mux.abort))
        raise
    return dataclasses.replace(book, mp4=muxed)
