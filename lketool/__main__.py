"""``python -m lketool``."""
from lketool.cli import main

main(prog_name="lketool")
