"""What the site relies on in each table's schema, whatever a package's schema files say.

A package's schemas are data, and data can be wrong: a schema without its primary key, a
dropped foreign key or an amount retyped as text would pass validation and then break a
page, or worse, publish a page built on a false assumption. The build therefore holds every
package schema to this contract before it checks any row: each table keeps its primary key,
the foreign keys the pages follow, and every field listed here with its type and, where the
field is marked `!`, its `required` constraint. A schema may add fields, constraints and
descriptions; it may not take away what is listed here.

Fields are written `name[:type][!]` (string unless a type is given); a foreign key
`field>table` points at that table's primary key. What the site learnt to read after a
release is optional, so that the packages of that release still build: a field written
`name[:type]?` and a table marked `optional` are read where they are and done without where
they are not (budget_subjects, the glossary, the project families, stated_totals' code
filters and the indicators' normalised values came after 1.2.0); where such a field is
declared it keeps its type, and its foreign key is followed. The test suite checks that the bundled
schemas meet the contract exactly, so a change to a bundled schema that the site depends
on shows up here too.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Expected:
    key: str  # the primary key's fields, space-separated
    follows: str  # foreign keys: "field>table …"
    fields: str  # "name[:type][!][?] …"
    optional: bool = False  # a table the site shows when a package has it; older packages lack it

    @property
    def optional_fields(self) -> set[str]:
        """Fields marked `?`: read when a schema declares them (with this type), absent in older packages."""
        return {item.rstrip("?").rstrip("!").partition(":")[0] for item in self.fields.split() if item.endswith("?")}

    @property
    def primary_key(self) -> list[str]:
        return self.key.split()

    @property
    def foreign_keys(self) -> list[tuple[str, str]]:
        return [tuple(item.split(">")) for item in self.follows.split()]

    @property
    def field_types(self) -> dict[str, tuple[str, bool]]:
        """{name: (type, required)}."""
        out = {}
        for item in self.fields.split():
            item = item.rstrip("?")
            required = item.endswith("!")
            name, _, kind = item.rstrip("!?").partition(":")
            out[name] = (kind or "string", required)
        return out

    @property
    def optional_fields(self) -> set[str]:
        return {item.rstrip("?").partition(":")[0] for item in self.fields.split() if item.endswith("?")}


CONTRACT = {
    "allocations": Expected(
        key="allocation_id",
        follows="document_id>documents project_id>projects recipient_unit_id>units region_id>regions",
        fields=("allocation_id! document_id! project_id! recipient_unit_id! region_id! amount_yuan:integer! "
                "amount_raw! amount_unit_raw! funding_source function_code function_name_raw dept_econ_code "
                "dept_econ_name_raw gov_econ_code gov_econ_name_raw direct_fund:boolean direct_fund_raw content_text "
                "goal_text source_lines! locator! note"),
    ),
    "budget_subjects": Expected(
        key="subject_id",
        follows="document_id>documents",
        fields="subject_id! document_id! kind! year:integer! code! name! raw_text! source_lines! locator! note",
        optional=True,
    ),
    "concept_links": Expected(
        key="concept_id table_name row_id",
        follows="concept_id>concepts region_id>regions",
        fields=("concept_id! table_name! row_id! region_id! note"),
    ),
    "concepts": Expected(
        key="concept_id",
        follows="",
        fields=("concept_id! sort_order:integer! name! name_en! summary! keywords period_note! unit_note!"),
    ),
    "documents": Expected(
        key="document_id",
        follows="parent_document_id>documents issuer_unit_id>units region_id>regions",
        fields=("document_id! parent_document_id kind! title! title_raw! short_title! issuer! issuer_unit_id "
                "doc_number doc_number_raw doc_number_source! issue_date:date issue_date_raw issue_date_kind! "
                "region_id! year:integer source_url source_file! money_unit_raw states_amounts:boolean! description! "
                "source_lines! locator! note"),
    ),
    "fund_views": Expected(
        key="document_id",
        follows="document_id>documents fund_id>funds",
        fields=("document_id! fund_id! grain! label! note"),
    ),
    "funds": Expected(
        key="fund_id",
        follows="document_id>documents counted_document_id>documents total_id>stated_totals",
        fields=("fund_id! name! name_raw! kind! year:integer! document_id! counted_document_id! total_id "
                "source_lines! note"),
    ),
    # A document's annexed glossary and the stored texts that carry its footnote marks: only a plan
    # with a glossary has them, and releases up to 1.2.0 predate them, so a package may leave both out.
    "glossary": Expected(
        key="glossary_id",
        follows="document_id>documents",
        fields=("glossary_id! document_id! footnote:integer! term! definition! raw_text! mark_lines source_lines! "
                "locator! note"),
        optional=True,
    ),
    "glossary_marks": Expected(
        key="glossary_id table_name row_id",
        follows="glossary_id>glossary",
        fields="glossary_id! table_name! row_id! source_lines! locator! note",
        optional=True,
    ),
    "indicators": Expected(
        key="indicator_id",
        follows="document_id>documents project_id>projects allocation_id>allocations",
        fields=("indicator_id! document_id! project_id! allocation_id seq:integer! part:integer! level1! level1_raw! "
                "level2 level2_raw name! name_raw! operator! operator_raw value:number value_max:number value_text "
                "unit period! value_raw! raw_text! source_lines! locator! note value_norm:number? value_max_norm:number? unit_norm?"),
    ),
    "plan_indicators": Expected(
        key="plan_indicator_id",
        follows="plan_id>plans",
        fields=("plan_indicator_id! plan_id! table_label! seq:integer! seq_label category_raw name! unit attribute "
                "cumulative:boolean! period_kind! baseline_year:integer baseline_raw baseline_operator "
                "baseline_value:number target_year:integer target_raw target_operator target_value:number "
                "actual_year:integer actual_raw actual_value:number raw_text! source_lines! locator! note"),
    ),
    "plan_task_units": Expected(
        key="task_id position",
        follows="task_id>plan_tasks unit_id>units",
        fields=("task_id! position:integer! unit_name_raw! unit_id is_lead:boolean!"),
    ),
    "plan_tasks": Expected(
        key="task_id",
        follows="plan_id>plans parent_task_id>plan_tasks",
        fields=("task_id! plan_id! parent_task_id level! seq:integer! seq_label title! text source_lines! locator! "
                "note"),
    ),
    "plans": Expected(
        key="plan_id",
        follows="document_id>documents region_id>regions",
        fields=("plan_id! document_id! name! short_name! region_id! period_start:integer! period_end:integer! "
                "description! note"),
    ),
    "projects": Expected(
        key="project_id",
        follows=("document_id>documents parent_project_id>projects department_unit_id>units budget_unit_id>units "
                 "region_id>regions family_id>project_families"),
        fields=("project_id! document_id! parent_project_id level! seq:integer! seq_label name! name_raw! "
                "department_unit_id budget_unit_id region_id period_raw goal_text source_lines! locator! note family_id?"),
    ),
    "project_families": Expected(
        key="family_id",
        follows="document_id>documents",
        fields="family_id! document_id! name! name_pattern! membership! note",
        optional=True,
    ),
    "quality_notes": Expected(
        key="note_id",
        follows="document_id>documents",
        fields=("note_id! document_id! table_name! row_id! field_name kind! severity! note! note_en source_lines!"),
    ),
    "regions": Expected(
        key="region_id",
        follows="parent_region_id>regions",
        fields=("region_id! name! level! parent_region_id admin_code fiscal_code sort_order:integer! note"),
    ),
    "stated_totals": Expected(
        key="total_id",
        follows="document_id>documents rows_document_id>documents project_id>projects recipient_unit_id>units region_id>regions quality_note_id>quality_notes",
        fields=("total_id! document_id! rows_document_id! project_id recipient_unit_id region_id funding_source "
                "function_code? dept_econ_code? gov_econ_code? label_raw! amount_yuan:integer! amount_raw! amount_unit_raw! "
                "quality_note_id source_lines! locator! "
                "note"),
    ),
    "units": Expected(
        key="unit_id",
        follows="region_id>regions parent_unit_id>units",
        fields=("unit_id! name! short_name! kind! region_id parent_unit_id aliases note"),
    ),
}
