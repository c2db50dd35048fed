"""What gets deployed: a directory zipped reproducibly, a zip file, or a container image URI.

A directory is zipped with sorted entries, a fixed timestamp and fixed permissions, so
the same source always gives the same bytes and so the same CodeSha256: a deploy of
unchanged code is recognised as such, and two machines agree on what "version 7" is.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from console.actions.base import PlanRefused

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--
EXEC_MODE = 0o100755  # regular file, rwxr-xr-x (kept: bootstrap scripts must stay executable)
MAX_ZIP_BYTES = 50 * 1024 * 1024  # Lambda's limit for a zip sent directly (not through S3)


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


def reproducible_zip(directory: Path) -> bytes:
    """The files under `directory` as a zip whose bytes depend only on names and contents."""
    entries: list[tuple[str, Path]] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in ("__pycache__", ".git"))
        for name in files:
            path = Path(root) / name
            if path.is_file():
                entries.append((path.relative_to(directory).as_posix(), path))
    entries.sort()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for arcname, path in entries:
            info = zipfile.ZipInfo(arcname, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, so external_attr's mode bits are honoured
            executable = os.access(path, os.X_OK)
            info.external_attr = (EXEC_MODE if executable else FILE_MODE) << 16
            archive.writestr(info, path.read_bytes(), compresslevel=9)
    return buffer.getvalue()


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
        data = path.read_bytes()
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise SourceError(f"--zip: {value!r} is not a zip file")
    if len(data) > MAX_ZIP_BYTES:
        raise SourceError(f"{option}: the package is {len(data) // (1024 * 1024)} MB; Lambda takes at most "
                          f"{MAX_ZIP_BYTES // (1024 * 1024)} MB directly (upload larger ones through S3)")
    return Source("zip", value, option, zip_bytes=data)
