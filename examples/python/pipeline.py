"""The pipeline Reader -> Parser -> Transformer -> Writer in Python, with back-pressure: the
reader's lines go into a buffer of two (`raw`), so the reader runs at most two lines ahead
of the parser and then waits; parser, transformer and writer hand records on by rendezvous.
The parser turns each line into a number, the transformer doubles it modulo 4, the writer
counts what comes out.  Each stage closes its output when its input is closed and drained,
so the run ends when the reader stops.  Spec: pipeline.csp (beside it).

    python3 examples/python/pipeline.py 12
    BATON_TRACE=run.btr python3 examples/python/pipeline.py 12
    baton check examples/python/pipeline.csp --trace run.btr --process PIPELINE
"""
import io
import sys

import baton


def reader(lines, raw):
    for line in lines:
        raw.send(line.strip())       # waits when the parser is two lines behind
    raw.close()


def parser(raw, parsed):
    for text in raw:
        parsed.send(int(text))
    parsed.close()


def transformer(parsed, cooked):
    for v in parsed:
        cooked.send((2 * v) % 4)
    cooked.close()


def writer(cooked, out):
    n = 0
    for v in cooked:
        n += 1
    print("pipeline: wrote %d records" % n, file=out)


def pipeline(records):
    lines = io.StringIO("".join("%d\n" % (i % 4) for i in range(records)))
    raw = baton.Channel("raw", capacity=2)      # events raw_in.V and raw_out.V
    parsed = baton.Channel("parsed")            # rendezvous: parsed.V
    cooked = baton.Channel("cooked")
    baton.par(baton.Process(reader, lines, raw),
              baton.Process(parser, raw, parsed),
              baton.Process(transformer, parsed, cooked),
              baton.Process(writer, cooked, sys.stdout))


if __name__ == "__main__":
    baton.run(pipeline, int(sys.argv[1]) if len(sys.argv) > 1 else 12)
