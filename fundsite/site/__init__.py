"""Step 2: render the site from the model (render.render_site), in memory: every kind's pages
(page_builders, pages, the templates), charts (figures, svgcharts, flowchart), downloads
(downloads, package_pages, catalogue), citations and search records. Writes nothing."""
