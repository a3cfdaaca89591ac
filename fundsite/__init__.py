"""Build the employment-fund transparency site from the curated data package.

Data flow: load_package -> check_package -> build_model -> render_site -> publish.
"""
