"""Step 1: load the package and check it (package.check_package): files and descriptor (load),
each table against its Table Schema (schema_check, column_check), the site's rules (rules,
raw_agreement, source_check, verbatim). Gives the model, or the problems and no model."""
