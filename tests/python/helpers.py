"""Shared by the Python tests: where baton's command and the package are, and how to run a
Python program the way a user would (a child process, its own stderr, an environment)."""
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PYDIR = os.path.join(ROOT, "python")
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
BATON = os.environ.get("BATON", os.path.join(BUILD, "baton"))
if not os.path.isabs(BATON):
    BATON = os.path.join(ROOT, BATON)
if not os.path.isabs(BUILD):
    BUILD = os.path.join(ROOT, BUILD)

if PYDIR not in sys.path:
    sys.path.insert(0, PYDIR)


def env(**extra):
    e = dict(os.environ)
    e["PYTHONPATH"] = PYDIR + (os.pathsep + e["PYTHONPATH"] if e.get("PYTHONPATH") else "")
    e.pop("BATON_TRACE", None)
    e.pop("BATON_SEED", None)
    e.update({k: str(v) for k, v in extra.items()})
    return e


def run_py(source, *args, timeout=60, cwd=None, extra_env=None, input=None):
    """Runs the program `source` (text) with python3 in a child; CompletedProcess."""
    d = cwd or tempfile.mkdtemp(prefix="baton-py-")
    with open(os.path.join(d, "prog.py"), "w") as f:
        f.write(source)
    return subprocess.run([sys.executable, "prog.py", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=d, env=env(**(extra_env or {})), input=input)


def baton(*args, timeout=120, cwd=None, extra_env=None):
    return subprocess.run([BATON, *args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd or ROOT, env=env(**(extra_env or {})))


def show(trace):
    """The events of a trace, as `baton trace show` prints them (comments left out)."""
    r = baton("trace", "show", trace)
    if r.returncode != 0:
        raise AssertionError("baton trace show %s: exit %d\n%s" % (trace, r.returncode, r.stderr))
    return [l for l in r.stdout.splitlines() if l and not l.startswith("#")], r.stdout


def need_baton(test):
    return unittest.skipUnless(os.access(BATON, os.X_OK), "no %s: build baton first (make)" % BATON)(test)


class TempDir:
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="baton-pytest-")
        self.tmp = self._tmp.name

    def tearDown(self):
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp, name)
