"""Validates SARIF logs against the SARIF 2.1.0 JSON schema with Debian's python3-jsonschema.

    /usr/bin/python3 tools/sarif_valid.py SCHEMA.json LOG.sarif...

Prints each violation with its JSON path; exit 0 when every log is valid, 1 otherwise."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft4Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        for e in validator.iter_errors(json.load(open(path))):
            print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}", file=sys.stderr)
            bad += 1
        if not bad:
            print(f"{path}: valid SARIF 2.1.0")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
