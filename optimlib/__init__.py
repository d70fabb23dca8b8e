"""optimlib: deep-learning optimizers from scratch in NumPy, the library behind the book
*Optimizers from Scratch*. Every chapter imports its algorithm from here and shows its source
(:func:`show_source`)."""
__version__ = "0.1.0"


def show_source(obj):
    """Display the source of a function, class or module, syntax-highlighted: the reader studies
    exactly the code that runs."""
    import inspect

    from IPython.display import Code  # imported here: optimlib itself does not need IPython
    return Code(inspect.getsource(obj), language="python")
