"""The site's contract with a package's schemas (fundsite/schema_contract.py) is what the bundled
schemas declare: every key, foreign key, field type and required field, no more and no less."""
from __future__ import annotations

import json
from pathlib import Path

from fundsite.package_profile import contract_problems, schema_problems
from fundsite.schema_contract import CONTRACT

BUNDLED = Path(__file__).resolve().parents[1] / "datapackage"


def bundled_schemas() -> dict[str, dict]:
    descriptor = json.loads((BUNDLED / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: json.loads((BUNDLED / r["schema"]).read_text(encoding="utf-8")) for r in descriptor["resources"]}


def test_contract_covers_every_bundled_table_exactly():
    schemas = bundled_schemas()
    assert set(CONTRACT) == set(schemas)
    for name, schema in schemas.items():
        expected = CONTRACT[name]
        assert expected.primary_key == schema["primaryKey"], name
        declared = {(fk["fields"], fk["reference"]["resource"] or name) for fk in schema.get("foreignKeys", [])}
        assert set(expected.foreign_keys) == declared, name
        fields = {f["name"]: (f.get("type", "string"), bool((f.get("constraints") or {}).get("required")))
                  for f in schema["fields"]}
        assert expected.field_types == fields, name


def test_bundled_schemas_meet_the_profile_and_the_contract():
    for name, schema in bundled_schemas().items():
        assert schema_problems(name, schema, f"schemas/{name}.json") == [], name


def test_a_schema_may_add_but_not_take_away():
    schema = bundled_schemas()["units"]
    schema["fields"].append({"name": "website", "type": "string"})
    assert contract_problems("units", schema, "u.json") == []
    schema["fields"] = [f for f in schema["fields"] if f["name"] != "kind"]
    assert [p.line() for p in contract_problems("units", schema, "u.json")] == [
        "u.json:-:fields: schema-error: the site reads field 'kind' (string): declare it"]


def test_what_the_site_learnt_after_a_release_is_optional_but_typed():
    """budget_subjects and stated_totals' code filters came after 1.2.0: a package of that release
    (without them) still meets the contract; a schema that declares them declares them as read."""
    from fundsite.package_profile import missing_tables

    schemas = bundled_schemas()
    assert missing_tables(set(schemas) - {"budget_subjects"}, "d.json") == []
    assert [p.line() for p in missing_tables(set(schemas) - {"stated_totals"}, "d.json")] == [
        "d.json:-:resources: package-error: the package lists no resource 'stated_totals': the site reads it "
        "(an empty table is a header-only CSV)"]
    schema = schemas["stated_totals"]
    schema["fields"] = [f for f in schema["fields"] if f["name"] not in ("function_code", "dept_econ_code", "gov_econ_code")]
    assert contract_problems("stated_totals", schema, "s.json") == []
    schema = bundled_schemas()["stated_totals"]
    next(f for f in schema["fields"] if f["name"] == "function_code")["type"] = "integer"
    assert [p.line() for p in contract_problems("stated_totals", schema, "s.json")] == [
        "s.json:-:fields: schema-error: field 'function_code' is integer, the site reads it as string"]


def test_optional_fields_and_tables_may_be_left_out_but_keep_their_shape():
    """family_id and project_families came after release 1.2.0: a package without them builds,
    one that declares family_id follows it to project_families."""
    from fundsite.package_profile import missing_tables

    schema = bundled_schemas()["projects"]
    without = dict(schema, fields=[f for f in schema["fields"] if f["name"] != "family_id"],
                   foreignKeys=[fk for fk in schema["foreignKeys"] if fk["fields"] != "family_id"])
    assert contract_problems("projects", without, "p.json") == []
    unfollowed = dict(schema, foreignKeys=without["foreignKeys"])
    assert [p.line() for p in contract_problems("projects", unfollowed, "p.json")] == [
        "p.json:-:foreignKeys: schema-error: the site follows family_id to project_families.family_id: declare that foreign key"]
    retyped = dict(schema, fields=[dict(f, type="integer") if f["name"] == "family_id" else f for f in schema["fields"]])
    assert [p.line() for p in contract_problems("projects", retyped, "p.json")] == [
        "p.json:-:fields: schema-error: field 'family_id' is integer, the site reads it as string"]
    assert missing_tables(set(bundled_schemas()) - {"project_families"}, "d.json") == []


def test_a_schema_that_passed_the_profile_is_not_checked_again_and_a_failing_one_always_is(tmp_path, monkeypatch):
    """package_profile._profile_errors: frictionless checks a schema once; the same schema again is
    known to pass (a marker in a folder of this user's); one with errors is checked every time,
    and a marker folder someone else could write is not trusted."""
    import os

    import frictionless

    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    schema = bundled_schemas()["regions"]
    calls = []
    real = frictionless.Schema.validate_descriptor

    def counted(descriptor, *args, **kwargs):
        calls.append(descriptor.get("fields", [{}])[0].get("name"))
        return real(descriptor, *args, **kwargs)
    monkeypatch.setattr(frictionless.Schema, "validate_descriptor", counted)
    assert schema_problems("regions", schema, "x") == [] == schema_problems("regions", schema, "x")
    assert len(calls) == 1
    bad = {**schema, "fields": [{**schema["fields"][0], "title": 5}, *schema["fields"][1:]]}  # frictionless refuses it
    first, second = schema_problems("regions", bad, "x"), schema_problems("regions", bad, "x")
    assert first == second and first and len(calls) == 3
    folder = tmp_path / f"fundsite-profiles-{os.getuid()}"
    folder.chmod(0o777)  # writable by anyone: its markers could lie
    assert schema_problems("regions", schema, "x") == [] and len(calls) == 4
