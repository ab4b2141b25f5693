"""adapters.py -- placeholder replaced below."""
def wrap(q, name):
    raise NotImplementedError
def wrap_pipe(pair, name):
    raise NotImplementedError
