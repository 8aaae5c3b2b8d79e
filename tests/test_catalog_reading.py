"""A full catalogue build reads its record files in the workers: every failure still names
its file and line, a second record of a code is refused without touching the first one's
files, and the publications are those of a build that read the records in one process."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from codefolio.catalog.build import build_catalog
from codefolio.catalog.manifest import MANIFEST_NAME, load_catalog_manifest
from tests.conftest import copy_examples, example_data

FORMATS = ["md", "html", "json"]


def publications(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in folder.iterdir() if path.name[:1] == "J"}


@pytest.fixture
def troubled(tmp_path: Path) -> Path:
    """The examples, plus an unreadable file, a record with errors and a second J9355 that
    sorts after the first and says something else."""
    folder = copy_examples(tmp_path / "records")
    (folder / "J9000.yaml").write_text("code: J9000\n", encoding="utf-8")
    (folder / "J9111.yaml").write_text("code: J9111\ndescriptor: [\n", encoding="utf-8")
    data = example_data("J9306")
    data["modifiers"][0]["code"] = "JX"
    (folder / "J9306.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    copy = example_data("J9355")
    copy["descriptor"] = "A second record of J9355"
    text = yaml.safe_dump(copy, allow_unicode=True, sort_keys=False)
    (folder / "zz-copy.yaml").write_text(f"# a copy\n{text}", encoding="utf-8")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_failures_are_located_and_a_second_record_of_a_code_is_refused(
    troubled: Path, tmp_path: Path, workers: int
) -> None:
    out = tmp_path / "out"
    result = build_catalog(troubled, out, FORMATS, workers=workers)
    assert sorted(result.built) == ["J9000", "J9355"]
    # As a read of the folder lists them: unreadable files, duplicates, then the rest.
    assert [(Path(f.origin).name, f.code) for f in result.failures] == [
        ("J9111.yaml", None),
        ("zz-copy.yaml", "J9355"),
        ("J9306.yaml", "J9306"),
    ]
    unreadable, duplicate, unpublished = (f.problems for f in result.failures)
    assert len(unreadable) == 1
    assert unreadable[0].startswith(f"{troubled / 'J9111.yaml'}:3: malformed YAML")
    first = troubled / "J9355.yaml"
    assert duplicate == [
        f"{troubled / 'zz-copy.yaml'}:3 code: code J9355 is also the code of {first}; "
        "keep one record per code"
    ]
    assert unpublished[0] == f"{troubled / 'J9306.yaml'}: not published: the record has errors"
    line = next(
        number
        for number, text in enumerate((troubled / "J9306.yaml").read_text().splitlines(), 1)
        if text.strip() == "- code: JX"
    )
    assert unpublished[1].startswith(f"error: {troubled / 'J9306.yaml'}:{line} modifiers[0].code")

    # The publications are the first J9355's, and no temp file of the second is left.
    (troubled / "zz-copy.yaml").unlink()
    alone = tmp_path / "alone"
    build_catalog(troubled, alone, FORMATS, workers=1)
    assert publications(out) == publications(alone)
    assert [path.name for path in out.rglob("*.tmp")] == []
    manifest = load_catalog_manifest(out)
    assert manifest.entries["J9355"].source == str(first)
    assert "J9306" not in manifest.entries


def test_a_duplicate_never_replaces_the_last_good_build_of_a_failing_first_record(
    tmp_path: Path,
) -> None:
    records = copy_examples(tmp_path / "records")
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=2)
    last_good = (out / "J9355.md").read_bytes()
    data = example_data("J9355")
    data["modifiers"][0]["code"] = "JX"  # the first J9355 now fails its check
    (records / "J9355.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    (records / "zz-copy.yaml").write_text(
        (tmp_path / "records" / "J9306.yaml").read_text().replace("J9306", "J9355"), "utf-8"
    )
    # Another format set: every record is read and published again, in the workers.
    result = build_catalog(records, out, ["md", "json"], workers=2)
    assert sorted((Path(f.origin).name, f.code) for f in result.failures) == [
        ("J9355.yaml", "J9355"),
        ("zz-copy.yaml", "J9355"),
    ]
    assert (out / "J9355.md").read_bytes() == last_good
    assert not (out / "J9355.json").exists()
    assert load_catalog_manifest(out).entries["J9355"].outputs.keys() == {"md"}
    assert sorted(path.name for path in out.iterdir() if path.name.startswith(".J")) == []


def test_a_record_file_that_goes_missing_before_the_worker_reads_it_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codefolio.catalog import sources

    records = copy_examples(tmp_path / "records")
    listed = sources.stat_records

    def listed_then_removed(folder: Path) -> object:
        found = listed(folder)
        (records / "J9306.yaml").unlink()
        return found

    monkeypatch.setattr("codefolio.catalog.build.stat_records", listed_then_removed)
    out = tmp_path / "out"
    result = build_catalog(records, out, ["md"], workers=1)
    assert result.built == ["J9355"]
    assert [(f.origin, f.code, f.problems) for f in result.failures] == [
        (str(records / "J9306.yaml"), None, [f"{records / 'J9306.yaml'}: file not found"])
    ]
    assert (out / MANIFEST_NAME).is_file()


def test_a_record_whose_worker_died_is_listed_and_keeps_its_last_good_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from codefolio.catalog import build, pool

    records = copy_examples(tmp_path / "records")
    out = tmp_path / "out"
    build_catalog(records, out, ["md"], workers=1)
    last_good = (out / "J9306.md").read_bytes()
    real = build.run_files

    def dying(job: pool.Job, paths: list[str], *args: object) -> object:
        """The worker of J9306's batch dies; J9355's batch is published."""
        dead: Future[list[pool.Outcome]] = Future()
        dead.set_exception(BrokenProcessPool("killed"))
        [(origin, published)] = list(real(job, [p for p in paths if "J9355" in p], *args))
        done: Future[list[pool.Outcome]] = Future()
        done.set_result([published])
        batches = [[str(records / "J9306.yaml")], [origin]]
        return pool._collect(batches, [dead, done], None, pool._file_died)

    monkeypatch.setattr(build, "run_files", dying)
    result = build_catalog(records, out, ["md", "json"], workers=1)  # new formats: all again
    assert result.built == ["J9355"]
    assert [(f.origin, f.code, f.problems) for f in result.failures] == [
        (
            str(records / "J9306.yaml"),
            None,
            [f"{records / 'J9306.yaml'}: the worker process died: killed"],
        )
    ]
    assert (out / "J9306.md").read_bytes() == last_good
    assert load_catalog_manifest(out).entries["J9306"].outputs.keys() == {"md"}
