"""optimlib.systems (bytes, passes, memory at scale) and optimlib.sharding (ZeRO simulated)."""
import numpy as np
import pytest

from optimlib import optim, systems as S
from optimlib.sharding import ShardedOptimizer, row_shards


def test_state_buffers_come_from_the_optimizers_own_state():
    assert S.state_buffers("sgd") == {}
    assert set(S.state_buffers("momentum")) == {"momentum_buffer"}
    assert len(S.state_buffers("adam")) == 2 and len(S.state_buffers("amsgrad")) == 3
    assert S.state_buffers("adam", (3, 4), np.float64)["exp_avg"] == ((3, 4), np.dtype("float64"), 96)


@pytest.mark.parametrize("name,expected", [("sgd", 12), ("momentum", 20), ("adam", 28),
                                           ("amsgrad", 36)])
def test_step_bytes(name, expected):
    assert S.step_bytes(name) == expected
    assert S.step_bytes(name, dtype=np.float64) == 2 * expected


def test_step_bytes_of_8bit_states_count_the_bytes_held():
    # p read+written (8) + g read (4) + 2 states of 1 byte + a float32 scale per 256, read+written
    assert S.step_bytes("adam8bit", (2048, 4)) == 12 + 2 * (2 + 8 / 256)
    assert S.step_bytes("adam8bit", (2048, 4), block_size=2048) == 12 + 2 * (2 + 8 / 2048)


def test_count_passes_of_adam_and_sgd():
    c = S.count_passes("adam")
    assert (c.calls, c.reads, c.writes) == (13, 19, 13)
    assert 1 <= c.temporaries <= 9     # (how many are new arrays depends on the update's out= use)
    c = S.count_passes("sgd")
    assert (c.calls, c.streams, c.temporaries) == (2, 5, 1)  # lr * g (a temporary), p -= it
    c = S.count_passes("momentum")
    assert (c.calls, c.streams) == (4, 10)


def test_zero_memory_reproduces_the_papers_figure_1():
    # Rajbhandari et al. 2020, Figure 1: 7.5B parameters, N = 64, K = 12
    got = [S.zero_memory(7.5e9, 64, s) / 1e9 for s in range(4)]
    assert [round(g, 1) for g in got] == [120.0, 31.4, 16.6, 1.9]
    assert S.zero_memory(7.5e9, 1, 3) == S.zero_memory(7.5e9, 1, 0)


def test_zero_memory_bad_input():
    with pytest.raises(ValueError, match="stage"):
        S.zero_memory(1e9, 8, 4)
    with pytest.raises(ValueError, match="n_devices"):
        S.zero_memory(1e9, 0)
    with pytest.raises(TypeError, match="n_devices"):
        S.zero_memory(1e9, 2.5)


def test_transformer_shapes_count_llama_2():
    assert sum(np.prod(s) for s in S.transformer_shapes(4096, 32, 11008, 32000)) == 6_738_415_616
    assert sum(np.prod(s) for s in S.transformer_shapes(8192, 80, 28672, 32000, 1024)) == 68_976_648_192


def test_bandwidth_and_timing_run():
    bw = S.inplace_bandwidth(100_000, repeat=2)
    assert bw > 1e8
    with pytest.raises(ValueError, match="repeat"):
        S.best_time(lambda: None, repeat=0)


# -- sharding ---------------------------------------------------------------------------------

def test_row_shards():
    assert row_shards(10, 3) == [(0, 4), (4, 7), (7, 10)]
    assert row_shards(2, 4) == [(0, 1), (1, 2), (2, 2), (2, 2)]
    with pytest.raises(ValueError, match="n_shards"):
        row_shards(3, 0)


def _params(rng, dtype=np.float64):
    return [rng.standard_normal(s).astype(dtype) for s in [(), (5,), (7, 3), (2, 4), (33,)]]


ELEMENTWISE = sorted(n for n, c in optim.OPTIMIZERS.items() if c.elementwise) + ["amsgrad", "momentum"]


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("n_shards", [1, 3, 8])
def test_sharded_step_equals_the_unsharded_one_bit_for_bit(name, n_shards):
    rng = np.random.default_rng(5)
    a = _params(rng)
    b = [p.copy() for p in a]
    whole = optim.get(name, a, lr=1e-2)
    sharded = ShardedOptimizer(name, b, n_shards, lr=1e-2)
    for t in range(15):
        gs = [np.sin(p * (t + 1)) + 0.1 * rng.standard_normal(p.shape) for p in a]
        whole.step(gs)
        sharded.step(gs)
        for x, y in zip(a, b):
            assert np.array_equal(x, y), (name, n_shards, t)
    total = sum(v.nbytes for s in whole.state for v in s.values())
    assert sum(sharded.state_bytes()) == total


def test_sharded_train_and_eval_modes_move_the_parameters_as_unsharded():
    name = "adamwschedulefree" if optim.catalog.find("adamwschedulefree") else "adam"
    rng = np.random.default_rng(8)
    a = _params(rng)
    b = [p.copy() for p in a]
    whole, sharded = optim.get(name, a, lr=1e-2), ShardedOptimizer(name, b, 3, lr=1e-2)
    for t in range(5):
        gs = [np.cos(p * (t + 1)) for p in a]
        whole.step(gs); sharded.step(gs)
    whole.eval(); sharded.eval()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    whole.train(); sharded.train()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_sharding_splits_the_state():
    p = [np.zeros((64, 10), np.float32)]
    s = ShardedOptimizer("adam", p, 4)
    s.step([np.ones((64, 10), np.float32)])
    assert s.state_bytes() == [16 * 10 * 4 * 2] * 4


def test_a_coupled_optimizer_is_not_exact_when_sharded():
    # Adam8bit's block scales couple the elements of a block: sharding changes the blocks
    rng = np.random.default_rng(6)
    a = [rng.standard_normal((16, 64))]
    b = [a[0].copy()]
    whole = optim.Adam8bit(a, lr=1e-2, block_size=256)
    sharded = ShardedOptimizer(lambda ps: optim.Adam8bit(ps, lr=1e-2, block_size=256), b, 3)
    for t in range(10):
        g = [rng.standard_normal((16, 64)) * np.linspace(0.01, 10, 16)[:, None]]
        whole.step(g); sharded.step(g)
    assert not np.array_equal(a[0], b[0])


@pytest.mark.parametrize("name", [n for n in ("muon", "shampoo", "adafactor") if optim.catalog.find(n)])
def test_matrix_optimizers_are_not_exact_when_sharded(name):
    rng = np.random.default_rng(7)
    a = [rng.standard_normal((12, 8))]
    b = [a[0].copy()]
    whole, sharded = optim.get(name, a), ShardedOptimizer(name, b, 3)
    for t in range(5):
        g = [rng.standard_normal((12, 8))]
        whole.step(g); sharded.step(g)
    assert not np.array_equal(a[0], b[0])


def test_sharding_bad_input():
    with pytest.raises(TypeError, match="make"):
        ShardedOptimizer(3, [np.ones(3)], 2)
    with pytest.raises(ValueError, match="n_shards"):
        ShardedOptimizer("adam", [np.ones(3)], 0)
    with pytest.raises(ValueError, match="unknown optimizer"):
        ShardedOptimizer("adma", [np.ones(3)], 2)
    with pytest.raises(ValueError, match="gradients"):
        ShardedOptimizer("adam", [np.ones(3)], 2).step([])
