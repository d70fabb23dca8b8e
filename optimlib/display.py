"""Show optimlib's own source in a notebook, so the reader studies exactly the code that runs."""
from __future__ import annotations

import inspect

__all__ = ["show_source"]


def show_source(obj):
    """Display the source of a function, class or module, syntax-highlighted."""
    from IPython.display import Code  # imported here: optimlib itself does not need IPython
    return Code(inspect.getsource(obj), language="python")
