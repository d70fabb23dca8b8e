"""Benchmarks of optimlib against the memory-bandwidth floor, torch.optim and naive NumPy (see README.md)."""
