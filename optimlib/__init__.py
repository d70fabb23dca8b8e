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


#: the subpackages and modules ``import optimlib`` makes reachable as attributes, imported on
#: first use (PEP 562), so ``import optimlib`` stays fast: ``optimlib.nn.build_mlp(...)``
SUBMODULES = ("contrasts", "data", "exercises", "gradients", "nn", "online", "optim", "problems",
              "quadratic_rates", "random_search", "runs", "schedules", "softmax_regression", "train",
              "viz", "quantize", "sharding", "systems", "weight_decay_grid", "shootout",
              "matrix_problems")


def __getattr__(name):
    if name in SUBMODULES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), *SUBMODULES})
