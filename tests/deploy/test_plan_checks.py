"""The deploy plan warns before it changes anything: unpublished code on $LATEST that the
update would overwrite, and a Python or Node.js package that lacks its configured handler.
Through the CLI against the embedded server, answering no: the plan is printed, nothing sent."""

from __future__ import annotations

import io
import uuid
import zipfile

import pytest
from click.testing import CliRunner

from console.services.lambda_.deploy.checks import missing_handler
from tests.deploy.conftest import zip_of


def plan_only(functions, name: str, source) -> str:
    """`opsdeck lambda deploy` answered "n": the plan as printed (the deploy is not applied)."""
    from console.cli import main

    result = CliRunner().invoke(main, ["--endpoint-url", functions.account.endpoint, "--region", "us-east-1",
                                       "lambda", "deploy", name, "--dir", str(source)], input="n\n")
    assert result.exit_code == 1 and "Nothing changed." in result.output, result.output
    return result.output


def warnings(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("WARNING: ")]


def node_function(functions, handler: str = "index.handler", layers: list[str] | None = None) -> str:
    name = f"node-{uuid.uuid4().hex[:10]}"
    functions.lam.create_function(FunctionName=name, Runtime="nodejs20.x", Role=functions.role, Handler=handler,
                                  Code={"ZipFile": zip_of({"index.js": "exports.handler = async () => 1;"})},
                                  Publish=True, Layers=layers or [])
    functions.lam.create_alias(FunctionName=name, Name="live", FunctionVersion="1")
    return name


def test_a_published_latest_and_a_complete_package_give_no_warning(functions, source):
    name = functions.create()  # python3.12, app.handler; source/app.py defines handler
    output = plan_only(functions, name, source)
    assert "Plan: Deploy" in output and warnings(output) == []


def test_unpublished_code_on_latest_is_named(functions, source):
    name = functions.create()
    functions.lam.update_function_code(FunctionName=name, ZipFile=zip_of({"app.py": "def handler(e, c): 'hotfix'"}))
    sha = functions.sha(name)
    assert sha != functions.sha(name, "1")
    output = plan_only(functions, name, source)
    [warning] = warnings(output)
    assert warning.startswith(f"WARNING: $LATEST of {name} holds unpublished code (CodeSha256 {sha}, last modified ")
    assert warning.endswith("that no published version has: this deploy overwrites it")


def test_a_python_package_without_its_handler_file_or_function(functions, source):
    name = functions.create()
    (source / "app.py").rename(source / "main.py")
    assert warnings(plan_only(functions, name, source)) == [
        "WARNING: the package has no app.py: handler app.handler (python3.12) will not be found"]
    (source / "app.py").write_text("def handle(event, context):\n    return 1\n")
    assert warnings(plan_only(functions, name, source)) == [
        "WARNING: app.py does not define handler (no `def handler(` found): handler app.handler (python3.12) "
        "will not be found"]


def test_a_python_directory_planned_onto_a_node_function(functions, source):
    name = node_function(functions)
    assert warnings(plan_only(functions, name, source)) == [
        "WARNING: the package has no index.js, index.mjs or index.cjs: handler index.handler (nodejs20.x) "
        "will not be found"]
    (source / "index.mjs").write_text("export const handler = async (event) => ({ ok: true });\n")
    assert warnings(plan_only(functions, name, source)) == []


def test_no_handler_check_when_layers_may_supply_it(functions, source):
    layer = functions.lam.publish_layer_version(LayerName="shared", Content={"ZipFile": zip_of({"x.js": ""})})
    name = node_function(functions, layers=[layer["LayerVersionArn"]])
    assert warnings(plan_only(functions, name, source)) == []


def package(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return buffer.getvalue()


@pytest.mark.parametrize("runtime,handler,files", [
    ("python3.12", "app.handler", {"app.py": "async def handler(event, context):\n    pass\n"}),
    ("python3.12", "app.handler", {"app.py": "from .impl import handler\n"}),
    ("python3.11", "pkg/app.main", {"pkg/app.py": "def main(event, context): ...\n"}),
    ("python3.11", "pkg.app.main", {"pkg/app/__init__.py": "main = make()\n"}),
    ("nodejs20.x", "src/index.handler", {"src/index.cjs": "module.exports.handler = () => 1;\n"}),
    ("nodejs22.x", "index.handler", {"index.js": "module.exports = {\n  handler,\n};\n"}),
    ("nodejs22.x", "index.handler", {"index.mjs": "async function handler() {}\nexport { handler };\n"}),
    ("nodejs22.x", "index.handler", {"index.mjs": "export async function handler(event) {}\n"}),
    ("java21", "example.Handler::handleRequest", {}),  # other runtimes: not checked
])
def test_handlers_found(runtime, handler, files):
    assert missing_handler(runtime, handler, package(files)) is None


@pytest.mark.parametrize("runtime,handler,files,said", [
    ("python3.12", "app.handler", {"app.py": "# def handler(event, context)\nhandlers = {}\n"},
     "app.py does not define handler"),
    ("python3.12", "app.handler", {"lib/app.py": "def handler(e, c): ...\n"}, "the package has no app.py"),
    ("nodejs20.x", "index.handler", {"index.js": "const handler = () => 1;\n"}, "index.js does not export handler"),
    ("nodejs20.x", "index.handler", {"index.ts": "export const handler = 1;\n"}, "the package has no index.js"),
])
def test_handlers_missing(runtime, handler, files, said):
    assert missing_handler(runtime, handler, package(files)).startswith(said)
