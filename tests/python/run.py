"""Runs the Python tests (tests/python/test_*.py) with the standard library's unittest and
ends with one summary line: `python: N passed, N failed, N skipped`.  Exit 1 on a failure.
    BATON=build/baton BUILD=build python3 tests/python/run.py [-v] [PATTERN]"""
import os
import sys
import unittest

if sys.version_info < (3, 11):
    print("python: SKIPPED: %s is Python %d.%d; the baton package needs 3.11 or newer"
          % (sys.executable, *sys.version_info[:2]))
    sys.exit(0)

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
import helpers  # noqa: E402  (puts python/ on the path)

verbose = "-v" in sys.argv
args = [a for a in sys.argv[1:] if a != "-v"]
loader = unittest.TestLoader()
suite = loader.discover(here, pattern=(args[0] if args else "test_*.py"), top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2 if verbose else 1, stream=sys.stdout).run(suite)
failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
skipped = len(result.skipped)
passed = result.testsRun - failed - skipped
for test, why in result.skipped:
    print("python: skipped %s: %s" % (test.id(), why))
print("python: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
sys.exit(0 if failed == 0 and result.testsRun > 0 else 1)
