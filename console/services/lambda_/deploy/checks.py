"""What a deploy plan warns about before it changes anything.

- `$LATEST` holding code that no published version has: the update overwrites it, and
  nothing but that unpublished code had it.
- A Python or Node.js zip package (without layers, which could supply the module) that
  lacks the file of the function's configured handler, or whose file does not define the
  handler's function. The function check is textual, not an import: Python needs
  `def NAME(` (or `async def`, or a top-level `NAME =` / `import ... NAME`); Node.js needs
  `exports.NAME`, `export function|const|let|var NAME`, `export { NAME }` or
  `module.exports = { NAME ... }`. How the runtimes resolve a handler: Python's splits
  `module.function` at the last dot, `/` or `.` separating packages
  (awslambdaric's bootstrap); Node.js's takes the path up to the last `/`, then the module
  up to the first dot, and tries `.js`, `.mjs` and `.cjs` (aws-lambda-nodejs-runtime-interface-client).
"""

from __future__ import annotations

import io
import re
import zipfile

NODE_EXTENSIONS = (".js", ".mjs", ".cjs")


def unpublished_latest(latest: dict, published: list[dict], new_sha: str | None) -> str | None:
    """The warning when $LATEST's CodeSha256 matches no published version (and the new code
    is not that same code)."""
    sha = latest.get("CodeSha256")
    if not sha or sha == new_sha:
        return None
    if any(v.get("CodeSha256") == sha for v in published if v.get("Version") != "$LATEST"):
        return None
    name = latest.get("FunctionName") or "the function"
    modified = latest.get("LastModified")
    when = f", last modified {modified}" if modified else ""
    return (f"$LATEST of {name} holds unpublished code (CodeSha256 {sha}{when}) that no published version "
            "has: this deploy overwrites it")


def _python_defines(source: str, name: str) -> bool:
    word = re.escape(name)
    return bool(re.search(rf"^(async\s+)?def\s+{word}\s*\(|^{word}\s*(:[^=\n]*)?=|^(from\s+\S+\s+)?import\s.*\b{word}\b",
                          source, re.MULTILINE))


def _node_exports(source: str, name: str) -> bool:
    word = re.escape(name)
    return bool(re.search(
        rf"\bexports\.{word}\b|\bexport\s+(async\s+)?function\s*\*?\s*{word}\b|"
        rf"\bexport\s+(const|let|var)\s+{word}\b|\bexport\s*\{{[^}}]*\b{word}\b|"
        rf"module\.exports\s*=\s*\{{[^}}]*\b{word}\b", source))


def _read(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8", errors="replace")


def missing_handler(runtime: str | None, handler: str | None, zip_bytes: bytes) -> str | None:
    """The warning when a Python or Node.js package lacks its handler's file or function
    (None for other runtimes, or when the handler is found)."""
    if not runtime or not handler or not (runtime.startswith("python") or runtime.startswith("nodejs")):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile:
        return None
    names = set(archive.namelist())
    said = f"handler {handler} ({runtime})"
    if runtime.startswith("python"):
        module, _, function = handler.rpartition(".")
        if not module or not function:
            return f"{said}: expected MODULE.FUNCTION, e.g. app.handler"
        path = module.replace(".", "/")
        found = next((f for f in (f"{path}.py", f"{path}/__init__.py") if f in names), None)
        if found is None:
            return f"the package has no {path}.py: {said} will not be found"
        if not _python_defines(_read(archive, found), function):
            return f"{found} does not define {function} (no `def {function}(` found): {said} will not be found"
        return None
    folder, _, rest = handler.rpartition("/")
    module, _, function_path = rest.partition(".")
    if not module or not function_path:
        return f"{said}: expected FILE.FUNCTION, e.g. index.handler"
    base = f"{folder}/{module}" if folder else module
    function = function_path.split(".")[0]
    found = next((base + ext for ext in NODE_EXTENSIONS if base + ext in names), None)
    if found is None:
        return f"the package has no {base}.js, {base}.mjs or {base}.cjs: {said} will not be found"
    if not _node_exports(_read(archive, found), function):
        return f"{found} does not export {function} (no `exports.{function}` or `export ... {function}` found): " \
               f"{said} will not be found"
    return None
