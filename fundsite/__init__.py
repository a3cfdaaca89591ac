"""Build the employment-fund transparency site from the curated data package.

cli.py runs the steps: check.package.check_package (load, check, model) ->
site.render.render_site (pages and files, in memory) -> publish.publish.publish
(mkdocs, the worker pool, search, the swap). Modules at this level are shared by
the steps: the model, the money model, the registry of page kinds, URLs, problems.
"""
