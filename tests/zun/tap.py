"""tap.py: TAP lines for the client checks (zunclient_check.py, blazarclient_check.py)."""
import sys

_count = {"run": 0, "failed": 0}


def ok(cond, name, diag=None):
    """One TAP line; diag (any object) is printed as comments when cond is false."""
    _count["run"] += 1
    if not cond:
        _count["failed"] += 1
        print(f"not ok {_count['run']} - {name}")
        if diag is not None:
            for line in str(diag).splitlines():
                print(f"# {line}")
    else:
        print(f"ok {_count['run']} - {name}")
    sys.stdout.flush()


def done():
    """The plan line; the exit status for sys.exit (1 when a check failed)."""
    print(f"1..{_count['run']}")
    return 1 if _count["failed"] else 0
