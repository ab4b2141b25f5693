"""baton_build.py -- the baton package's build backend (PEP 517, PEP 660), standard library
only, so that `pip install ./python` needs nothing from a package index; and the installer
`make install` uses:

    python3 python/tools/baton_build.py install --prefix PREFIX [--root DESTDIR]

The package is pure Python: a wheel is the files of baton/ and a .dist-info directory.
"""
import base64
import hashlib
import os
import sys
import sysconfig
import zipfile

NAME = "baton"
VERSION = "0.1.0"
HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))   # python/
DIST_INFO = "%s-%s.dist-info" % (NAME, VERSION)
TAG = "py3-none-any"


def _metadata():
    return ("Metadata-Version: 2.1\n"
            "Name: %s\nVersion: %s\n"
            "Summary: CSP processes and channels for Python, traced and checked against CSPm "
            "specifications by baton\n"
            "Requires-Python: >=3.11\n" % (NAME, VERSION))


def _wheel_file():
    return "Wheel-Version: 1.0\nGenerator: baton_build\nRoot-Is-Purelib: true\nTag: %s\n" % TAG


def _sources():
    """(path in the wheel, bytes) of the package's files."""
    root = os.path.join(HERE, NAME)
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for f in sorted(filenames):
            if f.endswith(".py"):
                full = os.path.join(dirpath, f)
                rel = os.path.relpath(full, HERE).replace(os.sep, "/")
                with open(full, "rb") as fh:
                    out.append((rel, fh.read()))
    return out


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d\n" % (path, digest, len(data))


def _files(editable=False, installer=None):
    if editable:
        files = [("%s-editable.pth" % NAME, (HERE + "\n").encode())]
    else:
        files = _sources()
    files.append((DIST_INFO + "/METADATA", _metadata().encode()))
    files.append((DIST_INFO + "/WHEEL", _wheel_file().encode()))
    if installer:
        files.append((DIST_INFO + "/INSTALLER", (installer + "\n").encode()))
    record = "".join(_record_line(p, d) for p, d in files) + DIST_INFO + "/RECORD,,\n"
    files.append((DIST_INFO + "/RECORD", record.encode()))
    return files


def _write_wheel(wheel_directory, editable):
    name = "%s-%s-%s.whl" % (NAME, VERSION, TAG)
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in _files(editable):
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return name


# ---- PEP 517 / PEP 660 hooks -------------------------------------------------------------------

def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    d = os.path.join(metadata_directory, DIST_INFO)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "METADATA"), "w") as f:
        f.write(_metadata())
    with open(os.path.join(d, "WHEEL"), "w") as f:
        f.write(_wheel_file())
    return DIST_INFO


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, False)


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, True)


def build_sdist(sdist_directory, config_settings=None):
    import tarfile
    name = "%s-%s" % (NAME, VERSION)
    path = os.path.join(sdist_directory, name + ".tar.gz")
    with tarfile.open(path, "w:gz") as t:
        for rel in ["pyproject.toml", "README.md", "tools/baton_build.py"] + [p for p, _ in _sources()]:
            t.add(os.path.join(HERE, rel), arcname=name + "/" + rel)
    return name + ".tar.gz"


# ---- make install ------------------------------------------------------------------------------

def site_dir(prefix):
    """Where a package goes under prefix for this interpreter: the entry of its sys.path
    under PREFIX/lib (Debian's python3 reads /usr/local/lib/python3.X/dist-packages), else
    PREFIX/lib/python3.X/site-packages (put on PYTHONPATH)."""
    prefix = os.path.abspath(prefix)
    for p in sys.path:
        if p.startswith(prefix + "/lib/") and p.rstrip("/").endswith(("site-packages", "dist-packages")):
            return p
    return sysconfig.get_path("purelib", "posix_prefix", vars={"base": prefix, "platbase": prefix})


def install(prefix, root=""):
    target = site_dir(prefix)
    dest = (root.rstrip("/") + target) if root else target
    for path, data in _files(installer="make"):
        full = os.path.join(dest, path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        os.chmod(full, 0o644)
    on_path = target in sys.path
    print("baton (Python): installed in %s%s" % (dest, "" if on_path or root else
          " (not on %s's path: add it to PYTHONPATH)" % os.path.basename(sys.executable)))


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description="install the baton package (make install)")
    ap.add_argument("command", choices=["install", "site-dir"])
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--root", default="")
    a = ap.parse_args()
    if a.command == "site-dir":
        print(site_dir(a.prefix))
    else:
        install(a.prefix, a.root)
