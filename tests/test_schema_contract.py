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
