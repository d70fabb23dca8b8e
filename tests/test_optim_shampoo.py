"""Shampoo (Gupta, Koren & Singer 2018, Algorithm 1): hand-computed steps, the preconditioner on
a quadratic with Kronecker-factored curvature, the interval of the roots, bad input."""
from __future__ import annotations

import re

import numpy as np
import pytest

from optimlib import optim


def raises(exc, *fragments):
    return pytest.raises(exc, match=".*".join(re.escape(f) for f in fragments))


def root(M, p):
    """M^(-1/p) of a symmetric positive definite M by the SVD (for such M, U S U^T): computed
    another way than optimlib's eigh, and checked: the p-th power times M is I."""
    U, s, _ = np.linalg.svd(M)
    r = (U * s ** (-1.0 / p)) @ U.T
    np.testing.assert_allclose(np.linalg.matrix_power(r, p) @ M, np.eye(len(M)), atol=1e-8)
    return r


def spd(rng, n, low=0.5, high=3.0):
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    return (q * np.linspace(low, high, n)) @ q.T


def test_three_steps_by_hand():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((3, 2))
    gs = [rng.standard_normal((3, 2)) for _ in range(3)]
    opt = optim.Shampoo([W], lr=0.1, eps=1e-4)
    ref, L, R = W.copy(), 1e-4 * np.eye(3), 1e-4 * np.eye(2)
    for g in gs:
        opt.step([g])
        L, R = L + g @ g.T, R + g.T @ g
        ref = ref - 0.1 * root(L, 4) @ g @ root(R, 4)
        np.testing.assert_allclose(W, ref, rtol=0, atol=1e-13)
    np.testing.assert_allclose(opt.state[0]["L"], L, atol=1e-15)
    np.testing.assert_allclose(opt.state[0]["R_root"], root(R, 4), atol=1e-12)
    # the first step: L^{-1/4} G R^{-1/4} = U (S^2 + eps)^{-1/2} S V^T, about U V^T
    W1 = np.zeros((3, 2))
    optim.Shampoo([W1], lr=1.0, eps=1e-12).step([gs[0]])
    U, _, Vt = np.linalg.svd(gs[0], full_matrices=False)
    np.testing.assert_allclose(-W1, U @ Vt, atol=1e-8)


def test_on_a_kronecker_quadratic_the_step_is_the_inverse_square_root_of_the_hessian():
    r"""What is proven. Take :math:`f(W) = \tfrac12 \mathrm{tr}\big((W-W^*)^\top A (W-W^*) B\big)`
    with :math:`A` (n x n) and :math:`B` (m x m) symmetric positive definite. Its gradient is
    :math:`G = A (W - W^*) B` and its Hessian, acting on :math:`\mathrm{vec}(W)` (columns
    stacked, :math:`\mathrm{vec}(AXB) = (B \otimes A)\mathrm{vec}(X)`), is :math:`H = B\otimes A`.

    Feed Shampoo the gradients at the nm points :math:`W^* + E_{ij}` (:math:`E_{ij}` the basis
    matrices): :math:`G_{ij} = A E_{ij} B = a_i b_j^\top` (columns of A and B). Then
    :math:`\sum_{ij} G_{ij}G_{ij}^\top = \sum_j \lVert b_j\rVert^2 \sum_i a_i a_i^\top =
    \mathrm{tr}(B^2)\, A^2` and likewise :math:`\sum_{ij} G_{ij}^\top G_{ij} = \mathrm{tr}(A^2)\,
    B^2`, so :math:`L = \epsilon I + \mathrm{tr}(B^2) A^2` and :math:`R = \epsilon I +
    \mathrm{tr}(A^2) B^2`, and (L shares A's eigenvectors)

    .. math:: L^{-1/4} G R^{-1/4} \to c\, A^{-1/2} G B^{-1/2}, \quad
              c = (\mathrm{tr}(A^2)\,\mathrm{tr}(B^2))^{-1/4} \quad (\epsilon \to 0).

    In vec form this is :math:`c\,(B \otimes A)^{-1/2}\mathrm{vec}(G) = c\,H^{-1/2}\nabla f`:
    the Newton step :math:`H^{-1}\nabla f = \mathrm{vec}(W - W^*)` with the square root of the
    inverse Hessian, Adagrad's power. The preconditioned curvature :math:`H^{-1/2} H =
    H^{1/2}` has condition number :math:`\sqrt{\kappa(H)}`. (Full-matrix Adagrad, fed the same
    gradients, has :math:`\sum_{ij} g g^\top = H^2` and takes exactly the Newton step.)"""
    rng = np.random.default_rng(1)
    n, m = 4, 3
    A, B = spd(rng, n, 0.5, 4.0), spd(rng, m, 0.2, 2.0)
    W_star = rng.standard_normal((n, m))
    for eps in (1e-4, 1e-12):
        W = W_star + rng.standard_normal((n, m))
        opt = optim.Shampoo([W], lr=0.0, eps=eps)        # lr 0: W stays, statistics accumulate
        for i in range(n):
            for j in range(m):
                E = np.zeros((n, m))
                E[i, j] = 1.0
                opt.step([A @ E @ B])
        s = opt.state[0]
        tA, tB = np.trace(A @ A), np.trace(B @ B)
        np.testing.assert_allclose(s["L"], eps * np.eye(n) + tB * A @ A, rtol=1e-13)
        np.testing.assert_allclose(s["R"], eps * np.eye(m) + tA * B @ B, rtol=1e-13)
        # one step at W with the cached roots (update_freq: not recomputed at this step)
        opt.set_hyper(lr=0.1, update_freq=10 ** 6)
        G, W0 = A @ (W - W_star) @ B, W.copy()
        opt.step([G])
        D = (W0 - W) / 0.1
        exact = root(eps * np.eye(n) + tB * A @ A, 4) @ G @ root(eps * np.eye(m) + tA * B @ B, 4)
        np.testing.assert_allclose(D, exact, rtol=1e-10, atol=1e-12)
        if eps == 1e-12:
            c = (tA * tB) ** -0.25
            np.testing.assert_allclose(D, c * root(A, 2) @ G @ root(B, 2), rtol=1e-8)
            H = np.kron(B, A)
            def vec(X):                                    # columns stacked
                return X.reshape(-1, order="F")
            np.testing.assert_allclose(vec(D), c * root(H, 2) @ vec(G), rtol=1e-8)
            np.testing.assert_allclose(vec(D) / c, root(H, 2) @ H @ vec(W0 - W_star), rtol=1e-8)
            kappa = np.linalg.cond(H)
            assert np.linalg.cond(root(H, 2) @ H) == pytest.approx(np.sqrt(kappa), rel=1e-8)


def test_update_freq_recomputes_the_roots_every_f_steps_and_caches_them_between():
    rng = np.random.default_rng(2)
    W = rng.standard_normal((2, 3))
    opt = optim.Shampoo([W], lr=0.05, eps=1e-3, update_freq=3)
    ref, L, R = W.copy(), 1e-3 * np.eye(2), 1e-3 * np.eye(3)
    for t in range(1, 8):
        g = rng.standard_normal((2, 3))
        opt.step([g])
        L, R = L + g @ g.T, R + g.T @ g              # the statistics: every step
        if t in (1, 4, 7):                           # the roots: steps 1, 1 + f, 1 + 2f
            L_root, R_root = root(L, 4), root(R, 4)
        ref = ref - 0.05 * L_root @ g @ R_root
        np.testing.assert_allclose(W, ref, rtol=0, atol=1e-13)
        np.testing.assert_allclose(opt.state[0]["L_root"], L_root, atol=1e-12)
    # update_freq=1 differs from 3 after the first step
    W1 = np.zeros((2, 3))
    o1, o3 = optim.Shampoo([W1]), optim.Shampoo([np.zeros((2, 3))], update_freq=3)
    for _ in range(2):
        g = rng.standard_normal((2, 3))
        o1.step([g])
        o3.step([g])
    assert not np.allclose(o1.params[0], o3.params[0], rtol=0, atol=1e-8)


def test_vectors_and_scalars_are_diagonal_adagrad_started_at_eps():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(5)
    y = x.copy()
    s, z = np.array(0.7), np.array(0.7)
    sh = optim.Shampoo([x, s], lr=0.1, eps=1e-3)
    ada = optim.Adagrad([y, z], lr=0.1, initial_accumulator_value=1e-3, eps=1e-300)
    for t in range(30):
        noise = rng.standard_normal(5)
        sh.step([0.5 * x + noise, 2 * s])
        ada.step([0.5 * y + noise, 2 * z])
    np.testing.assert_allclose(x, y, rtol=1e-13)
    np.testing.assert_allclose(s, z, rtol=1e-13)
    assert set(sh.state[0]) == {"sum"} and sh.state[0]["sum"].shape == (5,)


def test_momentum_and_weight_decay():
    rng = np.random.default_rng(4)
    W = rng.standard_normal((3, 3))
    opt = optim.Shampoo([W], lr=0.1, eps=1e-2, momentum=0.5, weight_decay=0.1)
    ref, L, R, buf = W.copy(), 1e-2 * np.eye(3), 1e-2 * np.eye(3), np.zeros((3, 3))
    for _ in range(4):
        g = rng.standard_normal((3, 3))
        opt.step([g])
        g = g + 0.1 * ref                           # L2 decay, in the statistics too
        L, R = L + g @ g.T, R + g.T @ g
        buf = 0.5 * buf + root(L, 4) @ g @ root(R, 4)
        ref = ref - 0.1 * buf
        np.testing.assert_allclose(W, ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_state_dict_round_trip_in_place_and_dtype(dtype):
    rng = np.random.default_rng(5)
    gs = [[rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(3).astype(dtype)]
          for _ in range(8)]
    ps = [np.ones((4, 3), dtype), np.zeros(3, dtype)]
    a = optim.Shampoo(ps, lr=0.05, update_freq=3, momentum=0.9)
    for g in gs:
        a.step(g)
    assert a.params[0] is ps[0] and all(p.dtype == dtype for p in ps)
    assert all(v.dtype == dtype for s in a.state for v in s.values())
    first = [np.ones((4, 3), dtype), np.zeros(3, dtype)]
    b = optim.Shampoo(first, lr=0.05, update_freq=3, momentum=0.9)
    for g in gs[:4]:                                  # stop between two recomputations
        b.step(g)
    resumed = [p.copy() for p in first]
    c = optim.Shampoo(resumed, momentum=0.9)
    c.load_state_dict(b.state_dict())
    assert c.hyper["update_freq"] == 3
    for g in gs[4:]:
        c.step(g)
    for p, q in zip(resumed, ps):
        np.testing.assert_array_equal(p, q)
    if dtype == np.float32:                           # agrees with float64 to float32 accuracy
        p64 = [np.ones((4, 3)), np.zeros(3)]
        d = optim.Shampoo(p64, lr=0.05, update_freq=3, momentum=0.9)
        for g in gs:
            d.step([x.astype(np.float64) for x in g])
        for p, q in zip(ps, p64):
            np.testing.assert_allclose(p, q, rtol=1e-4, atol=1e-5)


def test_effective_lr_and_state_shapes():
    opt = optim.Shampoo([np.zeros((5, 2)), np.zeros(4)], lr=0.3)
    with raises(ValueError, "has taken no step yet"):
        opt.effective_lr()
    opt.step([np.ones((5, 2)), np.ones(4)])
    assert {k: v.shape for k, v in opt.state[0].items()} == {
        "L": (5, 5), "R": (2, 2), "L_root": (5, 5), "R_root": (2, 2)}
    assert all(np.all(e == 0.3) for e in opt.effective_lr())
    sd = opt.state_dict()
    with raises(ValueError, "state 'L' of parameter 0 has shape (5, 5), Shampoo keeps it with "
                "shape (6, 6)"):
        optim.Shampoo([np.zeros((6, 2)), np.zeros(4)]).load_state_dict(sd)


def test_defaults():
    assert optim.Shampoo.defaults == dict(lr=1e-2, eps=1e-4, update_freq=1, weight_decay=0.0,
                                          momentum=0.0)


@pytest.mark.parametrize("hyper, exc, message", [
    (dict(lr=-0.1), ValueError, "lr must lie in [0.0, inf)"),
    (dict(eps=0.0), ValueError, "eps must lie in (0.0, inf)"),
    (dict(update_freq=0), ValueError, "update_freq must be an integer >= 1, got 0"),
    (dict(update_freq=2.0), TypeError, "update_freq must be an integer >= 1"),
    (dict(update_freq=True), TypeError, "update_freq must be an integer >= 1"),
    (dict(momentum=1.0), ValueError, "momentum must lie in [0.0, 1.0)"),
    (dict(weight_decay=-1.0), ValueError, "weight_decay must lie in [0.0, inf)"),
    (dict(betas=(0.9, 0.99)), TypeError, "unknown hyperparameter(s) ['betas']"),
])
def test_bad_input(hyper, exc, message):
    with raises(exc, message):
        optim.Shampoo([np.zeros((2, 2))], **hyper)


def test_tensors_of_three_or_more_dimensions_are_refused():
    with raises(ValueError, "params[1] has shape (2, 3, 4): Shampoo preconditions matrices",
                "reshape a tensor to a matrix first"):
        optim.Shampoo([np.zeros(2), np.zeros((2, 3, 4))])
