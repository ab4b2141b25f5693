"""_naming.py -- how a message is named as a CSPm event, as libbaton names them
(docs/trace-format.md, Event names; docs/python.md, Event names).

The event of a communication is the channel's name, `_in`/`_out` for a buffered channel, and
then `.` and the value's text unless it has none:

    int 3                 -> c.3        (as libbaton's int channels; negative: c.-3)
    bool True             -> c.true
    None                  -> c          (a pure event)
    tuple (2, 5)          -> c.2.5      (dotted fields, as libbaton's int[] channels)
    str "Ok"              -> c.Ok       (as it is: a constructor, or any CSPm expression)
    enum member Colour.RED-> c.RED
    nested tuple          -> (1,2)      list -> <1,2>    set -> {1,2}
    anything else         -> c          (as libbaton's opaque messages), unless the channel
                                          has a format function: c.FORMAT(v)
"""
import enum

__all__ = ["text", "event", "safe_text"]


def _field(v):
    t = type(v)
    if t is int:
        return str(v)
    if t is bool:
        return "true" if v else "false"
    if t is str:
        return v
    if t is tuple:
        return "(" + ",".join(_field(x) for x in v) + ")"
    if t is list:
        return "<" + ",".join(_field(x) for x in v) + ">"
    if t is set or t is frozenset:
        return "{" + ",".join(sorted(_field(x) for x in v)) + "}"
    if isinstance(v, enum.Enum):
        return v.name
    if isinstance(v, int):
        return str(int(v))
    return None


def text(v, fmt=None):
    """The dotted fields that name message v ("" for none): fmt(v) when the channel has a
    format function, else the rules above."""
    if fmt is not None:
        s = fmt(v)
        return "" if s is None else str(s)
    if v is None:
        return ""
    if type(v) is tuple:
        parts = [_field(x) for x in v]
        return "" if None in parts else ".".join(parts)
    s = _field(v)
    return "" if s is None else s


def event(name, v, fmt=None, suffix=""):
    """The whole event: name + suffix (`_in`, `_out` or nothing) + `.` + text(v)."""
    t = text(v, fmt)
    return name + suffix + ("." + t if t else "")


_warned = set()


def safe_text(v, ch):
    """text(v, ch.format) for the trace writer, which runs at a communication's commit point
    and must not fail there: a format function that raises names the message by the channel
    alone (as an opaque message), with one warning per channel."""
    try:
        return text(v, ch.format)
    except Exception as e:
        if id(ch) not in _warned:
            _warned.add(id(ch))
            import sys
            sys.stderr.write("baton: the format function of channel '%s' raised %s: %s; its "
                             "messages are traced as '%s' alone\n" % (ch.name, type(e).__name__, e, ch.name))
        return ""
