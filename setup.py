"""Build hook: copy the top-level ``report_templates/`` and ``templates_xlsx/`` into the
wheel as ``lketool/_bundled/`` so a non-editable ``pip install .`` has them
(:mod:`lketool.resources` looks there when the checkout's folders are absent).  All other
metadata is in pyproject.toml."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("report_templates", "templates_xlsx")


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the checkout's folders directly
            return
        for name in BUNDLED:
            src = ROOT / name
            if src.is_dir():
                dest = Path(self.build_lib) / "lketool" / "_bundled" / name
                shutil.rmtree(dest, ignore_errors=True)
                shutil.copytree(src, dest, ignore=shutil.ignore_patterns("~$*", "*.pyc", "__pycache__"))


setup(cmdclass={"build_py": BuildWithResources})
