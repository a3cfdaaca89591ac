"""Step 3: publish what was rendered (publish.publish): mkdocs builds the site through its hooks
(mkdocs_site), the worker pool writes the per-entity CSVs and XLSX twins while the pages render
(worker_pool, xlsx_twins), Pagefind
indexes the pages (search_index), and the finished site is swapped into place."""
