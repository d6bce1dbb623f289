"""``python -m nlsh``."""

from nlsh.cli import main

if __name__ == "__main__":
    main()
