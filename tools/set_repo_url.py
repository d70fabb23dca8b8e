"""Write the repository URL from _config.yml into each notebook's Colab install line.

_config.yml's `repository.url` is the one place the URL is set (it also drives the launch
buttons). A fork changes it there and runs `python tools/set_repo_url.py`; a test checks that
every notebook agrees with _config.yml.
"""
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]
INSTALL = re.compile(r'optimlib @ git\+(https://[^"\\\s]+)')


def repo_url() -> str:
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")


def main() -> int:
    url = repo_url()
    for nb in sorted((ROOT / "chapters").glob("*.ipynb")):
        text = nb.read_text()
        new = INSTALL.sub(f"optimlib @ git+{url}", text)
        if new != text:
            nb.write_text(new)
            print(f"{nb.name}: install line now points at {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
