# CI formats: --format for standard output, --report FORMAT:FILE (repeatable) for files, each
# written whole or not at all.  The writers' own tests (schemas, escaping, structure) are in
# the reports_ci suite; these check the commands' wiring and bad options.

$ baton check --format junit tests/e2e/data/check_small.csp
exit 1
stdout <testsuite name="tests/e2e/data/check_small.csp" tests="2" failures="1" errors="0"
stdout <failure type="deadlock" message="deadlock after 1 event">

$ baton check --format github tests/e2e/data/check_small.csp
exit 1
stdout ::error file=tests/e2e/data/check_small.csp,line=5,col=1,title=baton%3A assert Q %3A[deadlock free]::deadlock after 1 event: a
!stdout ::notice
stdout 2 assertions: 1 passed, 1 failed

$ baton check --format github --notices tests/e2e/data/check_small.csp
exit 1
stdout ::notice file=tests/e2e/data/check_small.csp,line=4,col=1,

# Every format at once, SARIF checked against the 2.1.0 schema, the page rendered and looked
# at by Chromium (a screenshot that is not blank).
$ rm -rf /tmp/baton-e2e-rep && mkdir /tmp/baton-e2e-rep && baton check examples/philosophers/philosophers.csp --report sarif:/tmp/baton-e2e-rep/r.sarif --report junit:/tmp/baton-e2e-rep/r.xml --report html:/tmp/baton-e2e-rep/r.html --report json:/tmp/baton-e2e-rep/r.json; echo "exit=$?"; ls /tmp/baton-e2e-rep
stdout FAIL  assert SYSTEM :[deadlock free]
stdout exit=1
stdout r.html
stdout r.json
stdout r.sarif
stdout r.xml
!stdout tmp

$ /usr/bin/python3 tools/sarif_valid.py "$SHARED/schemas/sarif-schema-2.1.0.json" /tmp/baton-e2e-rep/r.sarif
stdout valid SARIF 2.1.0

$ grep -c '"ruleId": "deadlock"' /tmp/baton-e2e-rep/r.sarif
stdout 1

$ sh tools/screenshot.sh /tmp/baton-e2e-rep/r.html /tmp/baton-e2e-rep/r.png 1000 1400
stdout of the pixels drawn

$ grep -c '<svg' /tmp/baton-e2e-rep/r.html; grep -ciE '<script|<link|src=|url\(' /tmp/baton-e2e-rep/r.html || true
stdout 1
stdout 0

# Recorded runs checked against a spec: the same formats.
$ baton check --format sarif tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_wrong.trace --process 'BUFF(2)'
exit 1
stdout "ruleId": "trace-conformance"

$ baton check --format junit tests/corpus/pipelines.csp --trace tests/e2e/data/buffer_ok.trace --process 'BUFF(2)' --report html:/tmp/baton-e2e-rep/t.html; grep -c 'PASS' /tmp/baton-e2e-rep/t.html
stdout <testcase name="trace tests/e2e/data/buffer_ok.trace against BUFF(2)"
stdout 2

# Bad options: exit 2 before anything is checked.
$ baton check --format xml tests/e2e/data/check_small.csp
exit 2
stderr --format is one of text|json|junit|sarif|github|html, not 'xml'

$ baton check --report junit tests/e2e/data/check_small.csp
exit 2
stderr --report takes FORMAT:FILE (e.g. junit:results.xml), not 'junit'

$ baton check --report pdf:x.pdf tests/e2e/data/check_small.csp
exit 2
stderr --report's format is one of text|json|junit|sarif|github|html, not 'pdf'

$ baton check --report junit:a.xml --report sarif:a.xml tests/e2e/data/check_small.csp
exit 2
stderr two reports would both be written to 'a.xml'

# A report that cannot be written is exit 2, said so, whatever the verdicts (the other
# reports are still written).
$ baton check tests/e2e/data/check_small.csp --report junit:/tmp --report json:/tmp/baton-e2e-rep/ok.json; s=$?; ls /tmp/baton-e2e-rep/ok.json; exit $s
exit 2
stderr baton: cannot write '/tmp': it is a directory
stdout /tmp/baton-e2e-rep/ok.json

$ baton check tests/e2e/data/check_small.csp --report junit:/nonexistent/dir/r.xml
exit 2
stderr cannot write '/nonexistent/dir/r.xml'

# baton run: with a spec, the trace check's report in any format; without one, the run judged
# on its own (a deadlock is a failure located where a process on the cycle blocked).
$ cc -std=c11 -D_GNU_SOURCE -Iinclude examples/philosophers/philosophers.c ${BUILD:-build}/libbaton.a -lpthread $BATON_LDFLAGS -o /tmp/baton-e2e-rep/phil && baton run --trace /tmp/baton-e2e-rep/phil.btr --format sarif --report html:/tmp/baton-e2e-rep/run.html --report junit:/tmp/baton-e2e-rep/run.xml -- /tmp/baton-e2e-rep/phil > /tmp/baton-e2e-rep/run.sarif; echo "exit=$?"; /usr/bin/python3 tools/sarif_valid.py "$SHARED/schemas/sarif-schema-2.1.0.json" /tmp/baton-e2e-rep/run.sarif; grep -c '"ruleId": "deadlock"' /tmp/baton-e2e-rep/run.sarif; grep -o 'philosophers.c:[0-9]*' /tmp/baton-e2e-rep/run.html | sort -u
stdout exit=1
stdout valid SARIF 2.1.0
stdout 1
stdout philosophers.c:20
stdout philosophers.c:35

$ grep -c '<failure type="deadlock"' /tmp/baton-e2e-rep/run.xml; grep -c '<svg' /tmp/baton-e2e-rep/run.html
stdout 1
stdout 1

$ baton run --trace /tmp/baton-e2e-rep/phil2.btr --format github --spec examples/philosophers/philosophers.csp --process SYSTEM --report junit:/tmp/baton-e2e-rep/spec.xml -- /tmp/baton-e2e-rep/phil; echo "exit=$?"; grep -c '<testcase name="trace /tmp/baton-e2e-rep/phil2.btr against SYSTEM"' /tmp/baton-e2e-rep/spec.xml
stdout 1 trace: 1 passed, 0 failed
stdout exit=1
stdout 1
!stdout ::error

$ cc -std=c11 -D_GNU_SOURCE -Iinclude examples/pipeline/pipeline.c ${BUILD:-build}/libbaton.a -lpthread $BATON_LDFLAGS -o /tmp/baton-e2e-rep/pipe && baton run --trace /tmp/baton-e2e-rep/pipe.btr --format junit -- /tmp/baton-e2e-rep/pipe
stdout <testcase name="run of /tmp/baton-e2e-rep/pipe"
!stdout <failure

$ baton run --report xml:x -- true
exit 2
stderr --report's format is one of

# The demo's philosophers run as a Chrome timeline: a track per process (main, five forks,
# five philosophers), the five pick-ups as flows from sender to receiver, the deadlock marked.
$ baton trace export --format chrome /tmp/baton-e2e-rep/phil.btr -o /tmp/baton-e2e-rep/phil.json && /usr/bin/python3 -c 'import json, sys; e = json.load(open(sys.argv[1]))["traceEvents"]; t = sorted(x["args"]["name"] for x in e if x.get("name") == "thread_name"); o = [x["bind_id"] for x in e if x.get("flow_out")]; i = [x["bind_id"] for x in e if x.get("flow_in")]; print("tracks", len(t), " ".join(t)); print("flows", len(o), o == i); print("deadlock", sum(1 for x in e if x["ph"] == "i" and x["name"].startswith("deadlock")))' /tmp/baton-e2e-rep/phil.json
stdout tracks 11 fork0 fork1 fork2 fork3 fork4 main philosopher0 philosopher1 philosopher2 philosopher3 philosopher4
stdout flows 5 True
stdout deadlock 1
