"""The store: built on first use, rebuilt when stale or damaged, never left half-built."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs
import pytest

from codefolio.errors import ReferenceDataError
from codefolio.refdata import ReferenceData, open_reference_data, parse
from codefolio.refdata.manifest import DATA_DIR, MANIFEST_NAME
from codefolio.refdata.store import STORE_NAME, build_store, default_store_dir, store_needs_build


def stored(cache: Path) -> list[str]:
    """The files in the cache folder, less the note that the store passed its check."""
    return sorted(p.name for p in cache.iterdir() if p.name != f"{STORE_NAME}.checked")


def open_in(cache: Path, data_dir: Path = DATA_DIR) -> ReferenceData:
    ref = ReferenceData.open(cache, data_dir)
    assert ref.hcpcs("J9306") is not None
    return ref


def test_first_open_builds_then_reuses(tmp_path: Path) -> None:
    assert store_needs_build(tmp_path)
    first = open_in(tmp_path)
    assert first.build is not None and first.build.rows["hcpcs"] == 8463
    assert not store_needs_build(tmp_path)
    again = open_in(tmp_path)
    assert again.build is None
    assert stored(tmp_path) == [STORE_NAME]


def test_the_building_hook_wraps_only_a_real_build(tmp_path: Path) -> None:
    builds: list[str] = []

    @contextlib.contextmanager
    def building() -> Iterator[None]:
        builds.append("start")
        yield
        builds.append("done")

    assert open_reference_data(tmp_path, building=building).build is not None
    assert open_reference_data(tmp_path, building=building).build is None
    assert builds == ["start", "done"]


def test_without_an_override_the_store_lives_in_the_user_data_folder(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Imported release files sit beside the store: a cache cleaner must not take them."""
    monkeypatch.delenv("CODEFOLIO_CACHE_DIR")
    assert default_store_dir() == Path(platformdirs.user_data_dir("codefolio"))
    assert default_store_dir() != Path(platformdirs.user_cache_dir("codefolio"))


def test_the_default_store_dir_is_the_session_temp_dir(refdata: ReferenceData) -> None:
    assert os.environ["CODEFOLIO_CACHE_DIR"]
    assert default_store_dir() == Path(os.environ["CODEFOLIO_CACHE_DIR"])
    assert refdata.path == default_store_dir() / STORE_NAME
    assert open_reference_data() is open_reference_data()  # shared for the process
    assert open_reference_data(default_store_dir()) is not open_reference_data()


def test_rebuilt_when_the_manifest_changes(tmp_path: Path) -> None:
    cache, data = tmp_path / "cache", tmp_path / "data"
    data.mkdir()
    for child in DATA_DIR.iterdir():
        if child.is_dir():
            (data / child.name).symlink_to(child)
    manifest = json.loads((DATA_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))
    (data / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    assert open_in(cache, data).build is not None
    assert open_in(cache, data).build is None
    manifest["datasets"][0]["title"] += " (edited)"
    (data / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    rebuilt = open_in(cache, data)
    assert rebuilt.build is not None
    assert rebuilt.dataset("hcpcs").title.endswith("(edited)")


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda files: files[0].update(rows="many"), "rows"),
        (lambda files: files[0].update(checked=True), "checked"),
    ],
)
def test_a_manifest_field_of_the_wrong_type_or_unknown_is_refused_by_a_build(
    tmp_path: Path, edit: Callable[[list[dict[str, object]]], None], problem: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for child in DATA_DIR.iterdir():
        if child.is_dir():
            (data / child.name).symlink_to(child)
    manifest = json.loads((DATA_DIR / MANIFEST_NAME).read_text(encoding="utf-8"))
    edit(manifest["datasets"][0]["releases"][0]["files"])
    (data / MANIFEST_NAME).write_text(json.dumps(manifest), encoding="utf-8")
    invalid = f"invalid reference data manifest(.|\n)*{problem}"
    with pytest.raises(ReferenceDataError, match=invalid):
        build_store(tmp_path / "cache", data)
    assert not (tmp_path / "cache" / STORE_NAME).exists()


def test_rebuilt_when_the_icd10_package_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert open_in(tmp_path).build is not None
    assert open_in(tmp_path).build is None
    from codefolio.refdata import store

    # An upgrade replaces the package's files (so the store is checked again) and its version.
    monkeypatch.setattr(store, "_icd10_package_stamp", lambda: "replaced")
    monkeypatch.setattr(parse, "icd10_package_version", lambda: "9.9.9")
    rebuilt = open_in(tmp_path)
    assert rebuilt.build is not None and rebuilt.build.rows["icd10"] > 90_000
    assert rebuilt.icd10("C50.011") is not None


def test_a_file_that_does_not_match_the_manifest_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / MANIFEST_NAME).symlink_to(DATA_DIR / MANIFEST_NAME)
    for child in DATA_DIR.iterdir():
        if child.is_dir() and child.name != "place_of_service":
            (data / child.name).symlink_to(child)
    (data / "place_of_service").mkdir()
    (data / "place_of_service" / "place_of_service.csv").write_text("code,name,description\n")
    with pytest.raises(ReferenceDataError, match="does not match the manifest"):
        ReferenceData.open(tmp_path / "cache", data)
    assert not (tmp_path / "cache" / STORE_NAME).exists()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "no-meta"])
def test_a_damaged_store_is_rebuilt(tmp_path: Path, damage: str) -> None:
    open_in(tmp_path).close()
    store = tmp_path / STORE_NAME
    size = store.stat().st_size
    if damage == "truncate":
        with store.open("r+b") as handle:
            handle.truncate(size // 2)
    elif damage == "garbage":
        store.write_bytes(b"this is not a database\n" * 1000)
    elif damage == "empty":
        store.write_bytes(b"")
    else:
        import sqlite3

        with sqlite3.connect(store) as conn:
            conn.execute("DROP TABLE meta")
        conn.close()
    assert store_needs_build(tmp_path)
    rebuilt = open_in(tmp_path)
    assert rebuilt.build is not None
    assert rebuilt.mue("J9306")[0].value == 840
    assert stored(tmp_path) == [STORE_NAME]


def test_a_crash_mid_build_leaves_no_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def crash(path: Path, quarter: str) -> list[tuple[str, ...]]:
        calls.append(quarter)
        raise KeyboardInterrupt  # e.g. the user pressed Ctrl-C halfway through

    monkeypatch.setattr(parse, "asp_rows", crash)
    with pytest.raises(KeyboardInterrupt):
        build_store(tmp_path)
    assert calls == ["2024q1"]
    assert stored(tmp_path) == []
    monkeypatch.undo()
    assert open_in(tmp_path).build is not None
    assert stored(tmp_path) == [STORE_NAME]


def test_a_crash_replacing_a_good_store_keeps_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_in(tmp_path).close()
    before = (tmp_path / STORE_NAME).read_bytes()

    def broken(path: Path) -> list[tuple[str, ...]]:
        raise ValueError("bad row")

    monkeypatch.setattr(parse, "opps_rows", broken)
    with pytest.raises(ReferenceDataError, match=r"cannot load opps 2025-10 .*bad row"):
        build_store(tmp_path)
    assert (tmp_path / STORE_NAME).read_bytes() == before
    assert stored(tmp_path) == [STORE_NAME]


def test_two_builds_in_a_row_each_leave_one_complete_store(tmp_path: Path) -> None:
    first, second = build_store(tmp_path), build_store(tmp_path)
    assert first.path == second.path == tmp_path / STORE_NAME
    assert first.rows == second.rows
    assert stored(tmp_path) == [STORE_NAME]


def test_an_unwritable_cache_dir_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(ReferenceDataError, match="cannot write the reference data store"):
        build_store(blocker / "cache")


def test_a_store_is_checked_once_until_its_file_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codefolio.refdata import store

    open_in(tmp_path).close()
    checks: list[Path] = []
    real = store._check
    monkeypatch.setattr(store, "_check", lambda conn, path: checks.append(path) or real(conn, path))
    open_in(tmp_path).close()
    assert checks == []
    os.utime(tmp_path / STORE_NAME)  # a new mtime: the file may have been altered
    open_in(tmp_path).close()
    assert checks == [tmp_path / STORE_NAME]


def test_one_changed_byte_in_a_stored_descriptor_is_detected_and_rebuilt(tmp_path: Path) -> None:
    ref = open_in(tmp_path)
    official = ref.hcpcs("J9306")
    assert official is not None
    ref.close()
    store = tmp_path / STORE_NAME
    data = bytearray(store.read_bytes())
    at = data.index(official.long_description.encode())
    data[at] = ord("X")  # same size, still a sound SQLite file
    store.write_bytes(bytes(data))
    assert store_needs_build(tmp_path)
    rebuilt = open_in(tmp_path)
    assert rebuilt.build is not None
    assert rebuilt.hcpcs("J9306") == official
