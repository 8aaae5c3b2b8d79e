"""Publish records inside a pool worker: read, check, compose once, render each format.

Workers write each publication into a temp file beside it, so rendered bytes never cross
the process boundary; the build renames it into place once it knows the record is the
only one of its code. They hand back only what the manifest and the report need. Records
come in batches (of file names, in a full build: the workers parse them too), so a worker
keeps its reference data and templates warm across many records and the pool exchanges
few messages. A worker exits by itself when the build that started it dies, even by
SIGKILL.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from codefolio.catalog.facts import facts_keys
from codefolio.catalog.index import index_row
from codefolio.catalog.manifest import record_key
from codefolio.catalog.pool import Job, Outcome
from codefolio.compose import compose_publication
from codefolio.errors import CodefolioError, Problem, RecordError, shown_problems
from codefolio.fileio import write_temp
from codefolio.records.model import CodeRecord
from codefolio.records.source import FieldPath
from codefolio.refdata import ReferenceData, open_reference_data
from codefolio.render import render
from codefolio.validation import check_record, unfilled_gaps

Locate = Callable[[FieldPath, str], Problem]
"""Where a finding about a field stands in the record's source."""

# How often a worker looks whether the build that started it is still alive.
_WATCH_SECONDS = 0.5


def start_worker(parent: int) -> None:
    """Pool initializer: watch the parent build, and warm the reference data."""
    threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    with contextlib.suppress(CodefolioError):  # if it fails, each record says why
        open_reference_data()


def _exit_when_orphaned(parent: int) -> None:
    """A worker blocked on the task queue would wait for its dead parent forever."""
    while os.getppid() == parent:
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def publish_files(job: Job, paths: list[str]) -> list[Outcome]:
    """Read, key and publish record files. The workers parse the records themselves, in
    parallel, so only file names go to them; each outcome comes back with the record's
    build key and where its code stands, for the caller's duplicate check."""
    from codefolio.records import LoadedRecord, read_record

    outcomes: dict[str, Outcome] = {}
    read: list[LoadedRecord] = []
    for path in paths:
        try:
            read.append(read_record(Path(path)))
        except RecordError as error:
            outcomes[path] = Outcome(None, unreadable=shown_problems(error.problems))
        except OSError as error:
            outcomes[path] = Outcome(None, unreadable=[f"{path}: {error.strerror}"])
    trouble: str | None = None
    try:
        refdata = open_reference_data()
        facts = facts_keys([item.record for item in read], refdata, job.as_of)
    except Exception as error:  # a bug must not stop the build; every record says why
        trouble = f"cannot be published: {type(error).__name__}: {error}"
    for item in read:
        code = item.record.code
        if trouble is None:
            outcome = publish(job, item.record, item.problem, refdata)
            outcome.key = record_key(f"{job.context}\n{facts[code]}", item.record)
        else:
            outcome = Outcome(code, error=trouble)
        outcome.code_line = item.document.line_of(("code",))
        outcomes[item.origin] = outcome
    return [outcomes[path] for path in paths]


def publish_batch(job: Job, records: list[CodeRecord]) -> list[Outcome]:
    return [publish(job, record) for record in records]


def publish(
    job: Job,
    record: CodeRecord,
    locate: Locate | None = None,
    refdata: ReferenceData | None = None,
) -> Outcome:
    """Check, compose and render one record into temp files beside its publications (the
    caller renames them into place); never raises for a problem of the record. `locate`
    places each finding in the record's source."""
    outcome = Outcome(record.code)
    try:
        # Opened once per worker process, then shared.
        refdata = refdata if refdata is not None else open_reference_data()
        findings = check_record(record, refdata, job.as_of)
        outcome.findings = [(f.severity, f.field, f.message) for f in findings]
        if locate is not None:
            outcome.where = [str(locate(f.field, f.message)) for f in findings]
        outcome.gaps = [(gap.field, gap.label) for gap in unfilled_gaps(record, refdata)]
        fatal = {"error", "warning"} if job.strict else {"error"}
        stopping = [f for f in findings if f.severity in fatal]
        if stopping:
            kinds = " and ".join(sorted({f.severity + "s" for f in stopping}))
            outcome.error = f"not published: the record has {kinds}"
            return outcome
        publication = compose_publication(record, refdata, findings, job.as_of)
        for fmt in job.formats:
            data = render(publication, fmt, job.paper)
            # Not flushed one by one: the manifest holds each file's size and digest, and
            # a file that does not match them is rebuilt.
            tmp, stat = write_temp(job.out_dir / f"{record.code}.{fmt}", data, durable=False)
            outcome.temps[fmt] = str(tmp)
            digest = hashlib.sha256(data).hexdigest()
            outcome.outputs[fmt] = (digest, stat.st_size, stat.st_mtime_ns, stat.st_ino)
        row = index_row(publication)
        outcome.index = {**asdict(row), "href": f"{record.code}.{job.link_format}"}
    except CodefolioError as error:
        outcome.error = str(error)
    except OSError as error:
        outcome.error = f"cannot write: {error.strerror or error}"
    except Exception as error:  # a bug must not stop the other records; it is reported
        outcome.error = f"cannot be published: {type(error).__name__}: {error}"
    if outcome.error is not None:
        outcome.discard()
    return outcome
