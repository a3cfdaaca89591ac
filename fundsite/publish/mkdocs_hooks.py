"""The hooks that mkdocs.yml names. mkdocs loads this file by its path, as a module of its own;
the hooks live in fundsite.publish.mkdocs_site, where a build.py build hands over what it rendered."""
from fundsite.publish.mkdocs_site import (  # noqa: F401
    on_build_error, on_config, on_env, on_files, on_post_build, on_post_page, on_serve)
