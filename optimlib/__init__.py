"""optimlib: deep-learning optimizers from scratch in NumPy, the library behind the book
*Optimizers from Scratch*. Every chapter imports its algorithm from here and shows its source."""
__version__ = "0.1.0"
