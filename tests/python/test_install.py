"""Installing the package offline: the in-tree build backend (no package index needed), pip
with build isolation and --no-index, and make install's installer."""
import os
import subprocess
import sys
import unittest
import zipfile

import helpers

sys.path.insert(0, os.path.join(helpers.PYDIR, "tools"))
import baton_build  # noqa: E402


class Install(helpers.TempDir, unittest.TestCase):
    def test_the_backend_builds_a_wheel_with_a_true_record(self):
        name = baton_build.build_wheel(self.tmp)
        self.assertEqual(name, "baton-0.1.0-py3-none-any.whl")
        with zipfile.ZipFile(self.path(name)) as z:
            names = set(z.namelist())
            self.assertIn("baton/__init__.py", names)
            self.assertIn("baton/aio.py", names)
            self.assertIn("baton-0.1.0.dist-info/METADATA", names)
            record = z.read("baton-0.1.0.dist-info/RECORD").decode()
            for line in record.splitlines():
                path, digest, size = line.split(",")
                if path.endswith("RECORD"):
                    continue
                self.assertEqual(line, baton_build._record_line(path, z.read(path)).strip())
        self.assertEqual(baton_build.get_requires_for_build_wheel(), [])

    @unittest.skipUnless(subprocess.run([sys.executable, "-m", "pip", "--version"],
                                        capture_output=True).returncode == 0, "no pip")
    def test_pip_installs_it_without_a_package_index(self):
        target = self.path("site")
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-index", "--no-deps",
                            "--disable-pip-version-check", "--target", target, helpers.PYDIR],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.check_importable(target)

    def test_make_installs_installer_puts_it_under_the_prefix(self):
        r = subprocess.run([sys.executable, os.path.join(helpers.PYDIR, "tools", "baton_build.py"),
                            "install", "--prefix", self.path("prefix")], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        site = baton_build.site_dir(self.path("prefix"))
        self.assertTrue(site.startswith(self.path("prefix")))
        self.assertIn(site, r.stdout)
        self.check_importable(site)

    def check_importable(self, where):
        code = "import baton, baton.aio; print(baton.__file__)"
        env = dict(os.environ, PYTHONPATH=where)
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                           cwd=self.tmp)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(r.stdout.startswith(where), r.stdout)


if __name__ == "__main__":
    unittest.main()
