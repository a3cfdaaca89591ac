"""The shape of datapackage.json and of each table schema, checked before anything reads them.

Three layers, each giving problem lines rather than exceptions:

1. The Data Package and Table Schema profiles, as frictionless validates them (its note is
   printed as it comes: the profile is its wording, not ours).
2. The keys the site itself reads from the descriptor (title, version, created, keywords,
   licences, contributors, sources, homepage), held to the shapes it uses them in, with
   dates in a sane range and links that are web addresses.
3. Each table schema against the site's contract (schema_contract.py): primary keys,
   foreign keys, field types and required fields the pages rely on. A schema's regular
   expressions must compile.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import stat
import tempfile
from pathlib import Path

from fundsite.problems import Problem, quoted
from fundsite.schema_contract import CONTRACT

WEB_ADDRESS = re.compile(r"^https?://[^\s\"'<>`]+$")  # every link made from data: never javascript:
VERSION = re.compile(r"\d+\.\d+\.\d+")  # releases compare versions as major.minor.patch
PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")  # names a download file
# The People's Republic's first year to the end of the century: a date outside is a typo
# (0001, 9999) and would break the tools that read the downloads' timestamps.
FIRST_YEAR, LAST_YEAR = 1949, 2100


def _text(value) -> bool:
    return isinstance(value, str)


def _list_of(kind):
    return lambda value: isinstance(value, list) and all(isinstance(item, kind) for item in value)


# Descriptor keys the site reads, and the shape it reads them in: (test, what the key must be).
DESCRIPTOR_KEYS = {
    "name": (lambda v: _text(v) and PACKAGE_NAME.fullmatch(v) is not None,
             "a name of lowercase letters, digits, '.', '_' and '-' (it names the download files)"),
    "title": (_text, "a string"),
    "description": (_text, "a string"),
    "version": (lambda v: _text(v) and VERSION.fullmatch(v) is not None, 'a version like "1.2.0" (major.minor.patch)'),
    "homepage": (lambda v: _text(v) and WEB_ADDRESS.match(v) is not None, "a web address (http:// or https://)"),
    "keywords": (_list_of(str), "a list of strings"),
    "licenses": (lambda v: isinstance(v, list), "a list of licence objects"),
    "contributors": (lambda v: isinstance(v, list), "a list of contributor objects"),
    "sources": (lambda v: isinstance(v, list), "a list of source objects"),
}
# Inside licences, contributors and sources: the keys the site prints or links.
ITEM_KEYS = {
    "name": (_text, "a string"), "title": (_text, "a string"), "description": (_text, "a string"),
    "path": (lambda v: _text(v) and WEB_ADDRESS.match(v) is not None, "a web address (http:// or https://)"),
    "roles": (_list_of(str), "a list of strings"), "role": (_text, "a string"),
}


def descriptor_problems(descriptor: dict, display: str) -> list[Problem]:
    """Problems with the package-level keys of datapackage.json (its resources are checked one by one by load)."""
    problems = []
    for key, (test, must_be) in DESCRIPTOR_KEYS.items():
        if key in descriptor and not test(descriptor[key]):
            kind = "invalid-url" if key == "homepage" else "package-error"
            problems.append(Problem(display, 0, key, kind, f"{_shown(descriptor[key])} is not {must_be}"))
    for key in ("licenses", "contributors", "sources"):
        items = descriptor.get(key)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, dict):
                problems.append(Problem(display, 0, f"{key}[{index}]", "package-error",
                                        f"{_shown(item)} is not an object with a title, name or path"))
                continue
            for inner, (test, must_be) in ITEM_KEYS.items():
                if inner in item and not test(item[inner]):
                    kind = "invalid-url" if inner == "path" else "package-error"
                    problems.append(Problem(display, 0, f"{key}[{index}].{inner}", kind, f"{_shown(item[inner])} is not {must_be}"))
    if "created" in descriptor:
        problems += _created_problems(descriptor["created"], display)
    if not problems:  # the rest of the Data Package profile, once the keys the site reads are sound
        problems += _profile_problems(descriptor, display)
    return problems


# A path on the maintainer's machine, published in the descriptor, the zip and the JSON download.
LOCAL_PATH = re.compile(r"(^|[\s(（])(\.\./|~/|/(home|root|work|tmp|Users)/|[A-Za-z]:\\)|file:", re.IGNORECASE)


def _strings_in(descriptor: dict):
    """(where, text) of every string in the descriptor outside its resources."""
    def walk(value, where):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, f"{where}[{index}]")
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from walk(item, f"{where}.{key}" if where else str(key))

    for key, value in descriptor.items():
        if key != "resources":
            yield from walk(value, key)


def local_path_problems(descriptor: dict, display: str) -> list[Problem]:
    """Texts of the descriptor to be published that name a file on the maintainer's machine.
    (Checked for the package being built, not for the snapshots of earlier releases, which
    are kept as they were released.)"""
    problems = []
    for where, text in _strings_in(descriptor):
        if where in ("name", "homepage") or where.endswith(".path"):
            continue  # held to their own shapes above
        if LOCAL_PATH.search(text):
            problems.append(Problem(display, 0, where, "package-error",
                                    f"{_shown(text)} names a file outside the package: readers of the site cannot open it "
                                    "(name the copy the package keeps, e.g. sources/<file>.txt)"))
    return problems


def _created_problems(created, display: str) -> list[Problem]:
    when = None
    if isinstance(created, str):
        try:
            when = dt.datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            pass
    if when is None:
        return [Problem(display, 0, "created", "package-error",
                        f'{_shown(created)} is not a date and time like "2026-11-21T00:00:00Z"')]
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        return [Problem(display, 0, "created", "package-error",
                        f"{_shown(created)} lies outside the years {FIRST_YEAR}–{LAST_YEAR}")]
    return []


def _profile_problems(descriptor: dict, display: str) -> list[Problem]:
    """The Data Package profile for everything but the resources (each resource's schema is
    checked against the Table Schema profile where it is read; a schema path is never fetched)."""
    stripped = {key: value for key, value in descriptor.items() if key != "resources"}
    stripped["resources"] = [{"name": "r", "path": "r.csv"}]

    def validate():
        from frictionless import Package

        return Package.validate_descriptor(stripped).errors
    return [Problem(display, 0, "-", "package-error", f"not a valid data package: {error.note}")
            for error in _profile_errors("package", stripped, validate)]


def _profile_errors(kind: str, document: dict, validate) -> list:
    """validate()'s errors, frictionless's profile check of document; none without running it
    when this very document passed it before with this version of frictionless (a marker file
    per passing document, kept between builds: importing frictionless and checking the
    descriptor and the schemas took ~0.2 s of every build). A document with errors is checked
    every time, so its problem lines always come from frictionless."""
    marker = _passed_marker(kind, document)
    if marker is not None and marker.is_file():
        return []
    errors = validate()
    if not errors and marker is not None:
        try:
            marker.touch()
        except OSError:  # not kept: checked again next time
            pass
    return errors


@functools.cache
def _frictionless_version() -> str:
    """Installed frictionless's version, looked up once per process (a scan of the installed
    packages' metadata; a build asks for every schema)."""
    from importlib.metadata import version

    return version("frictionless")


def _passed_marker(kind: str, document: dict) -> Path | None:
    """Where the marker of a passing document is kept: a folder of this user's alone in the
    system's temporary folder (None when there is none to trust)."""
    from importlib.metadata import PackageNotFoundError

    try:
        text = json.dumps(document, sort_keys=True, ensure_ascii=False, default=repr)
        key = hashlib.sha256(f"{kind}\nfrictionless {_frictionless_version()}\n{text}".encode("utf-8",
                                                                                                "surrogatepass"))
        folder = Path(tempfile.gettempdir()) / f"fundsite-profiles-{os.getuid()}"
        folder.mkdir(mode=0o700, exist_ok=True)
        state = folder.lstat()
    except (OSError, ValueError, TypeError, RecursionError, PackageNotFoundError):
        return None
    if not stat.S_ISDIR(state.st_mode) or state.st_uid != os.getuid() or stat.S_IMODE(state.st_mode) != 0o700:
        return None  # someone else's, or a link: its markers could lie
    return folder / key.hexdigest()


def schema_problems(name: str, schema: dict, display: str, contract: bool = True) -> list[Problem]:
    """The schema of resource `name` against the Table Schema profile and (unless contract is
    False) the site's contract."""
    problems = _schema_shape_problems(name, schema, display)  # shapes frictionless's own checks assume
    if problems:
        return problems

    def validate():
        from frictionless import Schema

        return Schema.validate_descriptor(schema).errors
    problems = [Problem(display, 0, "fields", "schema-error", f"resource '{name}' has an invalid schema: {error.note}")
                for error in _profile_errors("schema", schema, validate)]
    if problems:
        return problems
    for field in schema["fields"]:
        pattern = (field.get("constraints") or {}).get("pattern")
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError, RecursionError, OverflowError) as exc:
                problems.append(Problem(display, 0, "fields", "schema-error",
                                        f"field '{field['name']}' has a pattern that is not a regular expression ({exc})"))
    return problems + (contract_problems(name, schema, display) if contract else [])


def _strings(value) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(item, str) for item in value))


_SCALAR = (str, int, float)
CONSTRAINT_SHAPES = {
    "required": (lambda v: isinstance(v, bool), "true or false"),
    "unique": (lambda v: isinstance(v, bool), "true or false"),
    "pattern": (lambda v: isinstance(v, str), "a regular expression"),
    "enum": (lambda v: isinstance(v, list) and all(isinstance(x, _SCALAR) for x in v), "a list of values"),
    "minLength": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "maxLength": (lambda v: isinstance(v, int) and not isinstance(v, bool), "a whole number"),
    "minimum": (lambda v: isinstance(v, _SCALAR) and not isinstance(v, bool), "a number"),
    "maximum": (lambda v: isinstance(v, _SCALAR) and not isinstance(v, bool), "a number"),
}


def _schema_shape_problems(name: str, schema: dict, display: str) -> list[Problem]:
    def problem(where: str, message: str) -> Problem:
        return Problem(display, 0, where, "schema-error", f"resource '{name}' has an invalid schema: {message}")

    for index, field in enumerate(schema["fields"]):
        if not isinstance(field, dict) or not isinstance(field.get("name"), str):
            return [problem("fields", f"fields[{index}] is not an object with a string 'name'")]
        constraints = field.get("constraints", {})
        if not isinstance(constraints, dict):
            return [problem("fields", f"the constraints of field '{field['name']}' are not an object")]
        for key, (test, what) in CONSTRAINT_SHAPES.items():
            if key in constraints and not test(constraints[key]):
                return [problem("fields", f"the {key} constraint of field '{field['name']}' is "
                                          f"{_shown(constraints[key])}, not {what}")]
    if "primaryKey" in schema and not _strings(schema["primaryKey"]):
        return [problem("primaryKey", "primaryKey is not a field name or a list of them")]
    keys = schema.get("foreignKeys", [])
    if not isinstance(keys, list) or not all(
            isinstance(fk, dict) and _strings(fk.get("fields")) and isinstance(fk.get("reference"), dict)
            and _strings(fk["reference"].get("fields")) and isinstance(fk["reference"].get("resource", ""), str)
            for fk in keys):
        return [problem("foreignKeys", "foreignKeys is not a list of {fields, reference: {resource, fields}}")]
    if "missingValues" in schema and not (isinstance(schema["missingValues"], list)
                                          and all(isinstance(v, str) for v in schema["missingValues"])):
        return [problem("fields", "missingValues is not a list of strings")]
    return []


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def contract_problems(name: str, schema: dict, display: str) -> list[Problem]:
    """What the site relies on in this table's schema, declared as it relies on it."""
    expected = CONTRACT.get(name)
    if expected is None:
        return []  # a table the site does not read: published as it is
    problems = []
    if _as_list(schema.get("primaryKey")) != expected.primary_key:
        problems.append(Problem(display, 0, "primaryKey", "schema-error",
                                f"the site finds rows of {name} by {', '.join(expected.primary_key)}: "
                                f"primaryKey must be {_shown(expected.primary_key)}"))
    declared = set()
    for fk in schema.get("foreignKeys") or []:
        reference = fk.get("reference") or {} if isinstance(fk, dict) else {}
        target = reference.get("resource") or name
        declared.add((tuple(_as_list(fk.get("fields"))), target, tuple(_as_list(reference.get("fields")))))
    fields = {f["name"]: f for f in schema["fields"]}
    for field, target in expected.foreign_keys:
        if field in expected.optional_fields and field not in fields:
            continue  # a field the package may leave out: nothing to follow
        key = tuple(CONTRACT[target].primary_key)
        if ((field,), target, key) not in declared:
            problems.append(Problem(display, 0, "foreignKeys", "schema-error",
                                    f"the site follows {field} to {target}.{', '.join(key)}: declare that foreign key"))
    for field, (kind, required) in expected.field_types.items():
        declared_field = fields.get(field)
        if declared_field is None and field in expected.optional_fields:
            continue
        if declared_field is None:
            if field in expected.optional_fields:
                continue
            problems.append(Problem(display, 0, "fields", "schema-error",
                                    f"the site reads field '{field}' ({kind}): declare it"))
            continue
        if declared_field.get("type", "string") != kind:
            problems.append(Problem(display, 0, "fields", "schema-error",
                                    f"field '{field}' is {declared_field.get('type', 'string')}, the site reads it as {kind}"))
        if required and not (declared_field.get("constraints") or {}).get("required"):
            problems.append(Problem(display, 0, "fields", "schema-error",
                                    f"field '{field}' must be required: the site reads it on every row"))
    return problems


def missing_tables(declared: set[str], display: str) -> list[Problem]:
    """Tables the site reads that the package does not list."""
    return [Problem(display, 0, "resources", "package-error",
                    f"the package lists no resource '{name}': the site reads it (an empty table is a header-only CSV)")
            for name in sorted(set(CONTRACT) - declared) if not CONTRACT[name].optional]


def _shown(value) -> str:
    """A descriptor value as a problem line shows it: strings quoted, anything else as JSON, briefly."""
    if isinstance(value, str):
        return quoted(value)
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "…"
