"""The Makefile's setup steps: installing Debian packages waits for another apt or dpkg run."""

from __future__ import annotations

import subprocess

from tests.conftest import ROOT


def test_every_apt_get_waits_for_the_package_lock() -> None:
    dry_run = subprocess.run(
        ["make", "--no-print-directory", "-n", "apt-install", "PACKAGES=example"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    calls = dry_run.split("apt-get")[1:]
    assert len(calls) == 2  # update, install
    assert all(call.startswith(" -o DPkg::Lock::Timeout=600 ") for call in calls)
