"""`python -m disclosure COMMAND`: the `disclosure` command, where the virtualenv's bin/ is not
on the PATH (disclosure/console.py)."""

from disclosure.console import main

if __name__ == "__main__":
    main()
