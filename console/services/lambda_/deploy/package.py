"""What gets deployed: a directory zipped reproducibly, a zip file, or a container image URI.

A directory is zipped with sorted entries, a fixed timestamp and fixed permissions, so
the same source always gives the same bytes and so the same CodeSha256: a deploy of
unchanged code is recognised as such, and two machines agree on what "version 7" is.

A directory is listed first (names, sizes, identities), checked against Lambda's
unzipped limit, then zipped; a file that vanished or changed since it was listed (a
busy build directory) stops the packaging with its name, and nothing is sent.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from console.actions.base import PlanRefused

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--
EXEC_MODE = 0o100755  # regular file, rwxr-xr-x (kept: bootstrap scripts must stay executable)
# Lambda's deployment package quotas (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
# 50 MB zipped for a direct upload (larger ones go through S3) and 250 MB unzipped, in binary
# megabytes as GetAccountSettings reports them (CodeSizeZipped 52428800, CodeSizeUnzipped 262144000).
MAX_ZIP_BYTES = 50 * 1024 * 1024
MAX_UNZIPPED_BYTES = 250 * 1024 * 1024
LIMITS_PAGE = "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html"
SKIPPED_DIRS = ("__pycache__", ".git")


class SourceError(PlanRefused):
    """The source option names nothing usable; the message names the option."""


@dataclass(frozen=True)
class Source:
    """One deployable package: `kind` is "zip" (bytes in `zip_bytes`) or "image" (`image_uri`)."""

    kind: str
    origin: str  # what the user gave: the directory, the zip file or the image URI
    option: str  # --dir | --zip | --image
    zip_bytes: bytes = field(default=b"", repr=False)
    image_uri: str = ""

    @property
    def code_sha256(self) -> str | None:
        """Lambda's CodeSha256 of a zip (base64 SHA-256 of its bytes); None for an image,
        whose digest is known only once Lambda resolves the URI."""
        if self.kind != "zip":
            return None
        return base64.b64encode(hashlib.sha256(self.zip_bytes).digest()).decode()


def _mb(size: int) -> str:
    """`52,428,801 bytes (50.0 MB)`: the bytes too, so a size just over a limit reads as over it."""
    return f"{size:,} bytes ({size / (1024 * 1024):,.1f} MB)"


@dataclass(frozen=True)
class PackageFile:
    """A file to zip, as it was when the directory was listed."""

    arcname: str
    path: Path
    size: int
    identity: tuple[int, int, int]  # (inode, size, mtime in ns): changed if any differs

    @staticmethod
    def identity_of(st: os.stat_result) -> tuple[int, int, int]:
        return st.st_ino, st.st_size, st.st_mtime_ns


def list_package(directory: Path, option: str = "--dir") -> list[PackageFile]:
    """The regular files under `directory` (symbolic links followed; __pycache__ and .git
    left out), sorted, with their sizes: listed before anything is read, so the package's
    size is known before it is zipped. SourceError names a file that vanished or a link to
    nothing; other special files (FIFOs, sockets) are not code and are left out."""

    def unreadable(error: OSError) -> None:
        raise SourceError(f"{option}: cannot list {error.filename}: {error.strerror}")

    files: list[PackageFile] = []
    for root, dirs, names in os.walk(directory, onerror=unreadable, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
        for name in names:
            path = Path(root) / name
            arcname = path.relative_to(directory).as_posix()
            try:
                st = path.stat()
            except FileNotFoundError:
                if path.is_symlink():
                    raise SourceError(f"{option}: {arcname} is a symbolic link to {os.readlink(path)}, which does "
                                      "not exist; nothing was sent") from None
                raise SourceError(f"{option}: {arcname} vanished while the directory was listed; nothing was "
                                  "sent (package it again once the directory is quiet)") from None
            except OSError as exc:
                raise SourceError(f"{option}: cannot read {arcname}: {exc.strerror}; nothing was sent") from None
            if stat.S_ISREG(st.st_mode):
                files.append(PackageFile(arcname, path, st.st_size, PackageFile.identity_of(st)))
    files.sort(key=lambda f: f.arcname)
    return files


def check_unzipped_size(files: list[PackageFile], option: str = "--dir") -> None:
    """SourceError when the files add up to more than Lambda's 250 MB unzipped: nothing is zipped."""
    total = sum(f.size for f in files)
    if total > MAX_UNZIPPED_BYTES:
        largest = max(files, key=lambda f: f.size)
        raise SourceError(f"{option}: the package is {_mb(total)} unzipped ({len(files)} files, the largest "
                          f"{largest.arcname} at {_mb(largest.size)}); Lambda takes at most "
                          f"{_mb(MAX_UNZIPPED_BYTES)} unzipped ({LIMITS_PAGE}); nothing was zipped or sent")


def _read_unchanged(file: PackageFile, option: str) -> tuple[bytes, bool]:
    """The file's bytes and whether it is executable, provided it is still the file that was
    listed and did not change while it was read; else SourceError naming it."""
    try:
        with open(file.path, "rb") as handle:
            before = os.fstat(handle.fileno())
            data = handle.read()
            after = os.fstat(handle.fileno())
    except FileNotFoundError:
        raise SourceError(f"{option}: {file.arcname} vanished while the package was being zipped; nothing was "
                          "sent (package it again once the directory is quiet)") from None
    except OSError as exc:
        raise SourceError(f"{option}: cannot read {file.arcname}: {exc.strerror}; nothing was sent") from None
    if PackageFile.identity_of(before) != file.identity or PackageFile.identity_of(after) != file.identity \
            or len(data) != file.size:
        raise SourceError(f"{option}: {file.arcname} changed while the package was being zipped; nothing was sent "
                          "(package it again once the directory is quiet)")
    return data, bool(before.st_mode & 0o111)


def zip_package(files: list[PackageFile], option: str = "--dir") -> bytes:
    """`files` as a zip whose bytes depend only on names and contents; stops (SourceError)
    as soon as the zip passes Lambda's 50 MB, or when a file vanished or changed since it
    was listed."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for number, file in enumerate(files, 1):
            data, executable = _read_unchanged(file, option)
            info = zipfile.ZipInfo(file.arcname, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr's mode bits are honoured
            info.external_attr = (EXEC_MODE if executable else FILE_MODE) << 16
            archive.writestr(info, data, compresslevel=9)
            if buffer.tell() > MAX_ZIP_BYTES:
                raise SourceError(f"{option}: the package passed {_mb(MAX_ZIP_BYTES)} zipped at {file.arcname} "
                                  f"(file {number} of {len(files)}); Lambda takes at most that directly "
                                  f"({LIMITS_PAGE}): upload larger ones through S3; nothing was sent")
    return buffer.getvalue()


def reproducible_zip(directory: Path, option: str = "--dir") -> bytes:
    """The files under `directory` as a reproducible zip, refused over Lambda's limits
    (unzipped before zipping anything, zipped as soon as it is passed)."""
    files = list_package(directory, option)
    check_unzipped_size(files, option)
    return zip_package(files, option)


def load_source(directory: str | None = None, zip: str | None = None, image: str | None = None) -> Source:
    """Exactly one of the three, read now (so a missing path fails before any AWS call)."""
    given = [(opt, value) for opt, value in (("--dir", directory), ("--zip", zip), ("--image", image))
             if value not in (None, "")]
    if not given:
        raise SourceError("give the code to deploy: one of --dir DIRECTORY, --zip FILE or --image URI")
    if len(given) > 1:
        raise SourceError(f"give only one source of code, not {' and '.join(opt for opt, _ in given)}")
    option, value = given[0]
    if option == "--image":
        if ":" not in value and "@" not in value:
            raise SourceError(f"--image: expected an image URI with a tag or digest "
                              f"(e.g. 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4), got {value!r}")
        return Source("image", value, option, image_uri=value)
    path = Path(value).expanduser()
    if option == "--dir":
        if not path.exists():
            raise SourceError(f"--dir: directory {value!r} does not exist")
        if not path.is_dir():
            raise SourceError(f"--dir: {value!r} is not a directory (use --zip for a zip file)")
        data = reproducible_zip(path)
        if not zipfile.ZipFile(io.BytesIO(data)).namelist():
            raise SourceError(f"--dir: directory {value!r} has no files to deploy")
    else:
        if not path.exists():
            raise SourceError(f"--zip: file {value!r} does not exist")
        if not path.is_file():
            raise SourceError(f"--zip: {value!r} is not a file (use --dir for a directory)")
        size = path.stat().st_size
        if size > MAX_ZIP_BYTES:
            raise SourceError(f"--zip: {value!r} is {_mb(size)}; Lambda takes at most {_mb(MAX_ZIP_BYTES)} "
                              f"directly ({LIMITS_PAGE}): upload larger ones through S3; nothing was sent")
        data = path.read_bytes()
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise SourceError(f"--zip: {value!r} is not a zip file")
        unzipped = sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(data)).infolist())
        if unzipped > MAX_UNZIPPED_BYTES:
            raise SourceError(f"--zip: {value!r} holds {_mb(unzipped)} unzipped; Lambda takes at most "
                              f"{_mb(MAX_UNZIPPED_BYTES)} unzipped ({LIMITS_PAGE}); nothing was sent")
    return Source("zip", value, option, zip_bytes=data)
