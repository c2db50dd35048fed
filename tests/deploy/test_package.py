"""Packaging a directory (or a zip) for a deploy: Lambda's size limits before anything is
sent, and a busy directory (files that vanish or change while being zipped) stops the
packaging with the file's name.

How the races are provoked, deterministically and on a real filesystem: packaging lists
the directory (names, sizes, identities) and then zips what it listed, two public steps
(`list_package`, `zip_package`); the tests remove or rewrite a file between them, which is
exactly what a build writing into the directory does. Through the CLI, a link to a missing
file (the file vanished) and a link to /proc/self/status (a file that is listed at 0 bytes
and reads as more: it changes while it is read) show the same refusals end to end, with no
request sent to Lambda.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from click.testing import CliRunner

from console.demo import control
from console.services.lambda_.deploy.package import (
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_BYTES,
    SourceError,
    check_unzipped_size,
    list_package,
    load_source,
    zip_package,
)


def opsdeck(endpoint, *args):
    from console.cli import main

    return CliRunner().invoke(main, ["--endpoint-url", endpoint, "--region", "us-east-1", *args])


def updates_sent(functions) -> int:
    counts = control.request_counts(functions.account.endpoint)
    return control.count_of(counts, "lambda", "UpdateFunctionCode", functions.account.id)


def sparse(path, size: int) -> None:
    """A file of `size` bytes that takes no disk space (and zips to almost nothing)."""
    with open(path, "wb") as handle:
        handle.truncate(size)


def test_a_file_removed_after_listing_is_named_and_nothing_is_zipped(source):
    files = list_package(source)
    assert [f.arcname for f in files] == ["app.py", "lib/util.py"]
    (source / "lib" / "util.py").unlink()
    with pytest.raises(SourceError, match=r"^--dir: lib/util\.py vanished while the package was being zipped; "
                                          "nothing was sent"):
        zip_package(files)


@pytest.mark.parametrize("change", ["append", "replace"])
def test_a_file_changed_after_listing_is_named(source, change):
    files = list_package(source)
    target = source / "app.py"
    if change == "append":
        with open(target, "a") as handle:
            handle.write("# edited by a build\n")
    else:  # an editor's save: a new file renamed over the old one
        (source / "app.py.new").write_text(target.read_text())
        os.replace(source / "app.py.new", target)
    with pytest.raises(SourceError, match=r"^--dir: app\.py changed while the package was being zipped"):
        zip_package(files)


def test_unchanged_files_zip_the_same_as_before(source):
    data = zip_package(list_package(source))
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["app.py", "lib/util.py"]
    assert load_source(directory=str(source)).zip_bytes == data


def test_cli_names_a_link_to_a_vanished_file_and_sends_nothing(functions, source):
    name = functions.create()
    (source / "config.json").symlink_to(source / "gone.json")
    before = updates_sent(functions)
    result = opsdeck(functions.account.endpoint, "lambda", "deploy", name, "--dir", str(source), "--yes")
    assert result.exit_code == 2, result.output
    assert "--dir: config.json is a symbolic link to" in result.output and "which does not exist" in result.output
    assert "Traceback" not in result.output
    assert updates_sent(functions) == before
    assert functions.versions(name) == ["$LATEST", "1"]


def test_cli_names_a_file_that_changes_while_read_and_sends_nothing(functions, source):
    name = functions.create()
    (source / "status.txt").symlink_to("/proc/self/status")  # listed at 0 bytes, reads as more
    before = updates_sent(functions)
    result = opsdeck(functions.account.endpoint, "lambda", "deploy", name, "--dir", str(source), "--yes")
    assert result.exit_code == 2, result.output
    assert "--dir: status.txt changed while the package was being zipped; nothing was sent" in result.output
    assert updates_sent(functions) == before


def test_cli_refuses_more_than_250_mb_unzipped_before_zipping(functions, source):
    """300 MB of zeros zips to well under 50 MB: only the unzipped limit catches it, and
    it is checked on the listed sizes, before a byte is read."""
    name = functions.create()
    sparse(source / "model.bin", 300 * 1024 * 1024)
    before = updates_sent(functions)
    result = opsdeck(functions.account.endpoint, "lambda", "deploy", name, "--dir", str(source), "--yes")
    assert result.exit_code == 2, result.output
    total = sum(f.size for f in list_package(source))
    assert (f"--dir: the package is {total:,} bytes (300.0 MB) unzipped (3 files, the largest model.bin at "
            "314,572,800 bytes (300.0 MB)); Lambda takes at most 262,144,000 bytes (250.0 MB) unzipped (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html)"
            "; nothing was zipped or sent") in " ".join(result.output.split())
    assert updates_sent(functions) == before


def test_exactly_250_mb_unzipped_is_not_refused_for_its_size(source):
    sparse(source / "model.bin", MAX_UNZIPPED_BYTES - sum(f.size for f in list_package(source)))
    files = list_package(source)
    assert sum(f.size for f in files) == MAX_UNZIPPED_BYTES
    check_unzipped_size(files)  # at the limit, not over it


def test_a_directory_over_50_mb_zipped_stops_at_the_file_that_passes_it(source):
    (source / "a-random.bin").write_bytes(os.urandom(MAX_ZIP_BYTES + 1024))  # random bytes do not compress
    with pytest.raises(SourceError, match=r"^--dir: the package passed 52,428,800 bytes \(50\.0 MB\) zipped at a-random\.bin "
                                          r"\(file 1 of 3\)"):
        load_source(directory=str(source))


def test_a_zip_file_over_the_limits_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.zip"
    sparse(big, MAX_ZIP_BYTES + 1)
    with pytest.raises(SourceError, match=r"^--zip: .*big\.zip' is 52,428,801 bytes \(50\.0 MB\); Lambda takes at "
                                          r"most 52,428,800 bytes \(50\.0 MB\) directly"):
        load_source(zip=str(big))
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("zeros.bin", "w") as entry:
        for _ in range(250):
            entry.write(bytes(1024 * 1024))
        entry.write(b"\0")
    with pytest.raises(SourceError, match=r"holds 262,144,001 bytes \(250\.0 MB\) unzipped; Lambda takes at most "
                                          r"262,144,000 bytes \(250\.0 MB\) unzipped"):
        load_source(zip=str(bomb))
