"""The package promises zero run-time dependencies: every import under pywebio_lite/ must be
standard library or pywebio_lite itself. Framework adapters under pywebio_lite/platform/ may import
their framework: lazily, inside a function, or at the top of the adapter named for it
(platform/tornado.py imports tornado; only its users import it, tests/test_light_import.py)."""
import ast
import pathlib
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "pywebio_lite"
STDLIB = set(sys.stdlib_module_names)


def _imports(tree):
    """Yield (node, top-level module name, is_module_level) for every absolute import."""
    module_level = set(id(n) for n in tree.body)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name.split(".")[0], id(node) in module_level
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node, node.module.split(".")[0], id(node) in module_level


def _is_module_level(tree, target):
    """True if the import is not inside any function body (module level, class body, try/if)."""
    parents = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    node = target
    while id(node) in parents:
        node = parents[id(node)]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            return False
    return True


def test_package_exists():
    assert (PACKAGE / "__init__.py").is_file()


def test_only_stdlib_imports():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        in_platform = rel.startswith("pywebio_lite/platform/")
        for node, top, _ in _imports(tree):
            if top in STDLIB or top == "pywebio_lite":
                continue
            if in_platform and not _is_module_level(tree, node):
                continue  # a lazy import of a host framework, inside a function
            if in_platform and path.stem.split("_")[0] == top:
                continue  # the adapter named for its framework (tornado.py, tornado_http.py)
            bad.append(f"{rel}:{node.lineno} imports {top}")
    assert not bad, "run-time imports outside the standard library:\n" + "\n".join(bad)


def test_checker_catches_a_third_party_import(tmp_path):
    """The checker itself must be able to fail."""
    tree = ast.parse("import tornado\nfrom flask import Flask\ndef f():\n    import django\n")
    found = [(top, _is_module_level(tree, node)) for node, top, _ in _imports(tree)]
    assert ("tornado", True) in found and ("flask", True) in found and ("django", False) in found
    assert not any(top in STDLIB for top, _ in found)
