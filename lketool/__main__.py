"""``python -m lketool``."""
from lketool.cli import main

if __name__ == "__main__":  # worker processes started with 'spawn' (Windows) import this module
    main(prog_name="lketool")
