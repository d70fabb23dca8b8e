r"""The optimizers as Keras 3 and optax write them, where that differs from torch's form, and
the maps from a framework's call to the optimlib optimizer that computes the same steps.

    opt = keras_equivalent("RMSprop", params, learning_rate=0.01, momentum=0.9)
    opt = optax_equivalent("nadam", params, learning_rate=0.01)

The same name does not mean the same update. Four differences recur:

* **where** :math:`\epsilon` **goes.** torch adds it after the root and after the bias
  correction, :math:`\hat m_t/(\sqrt{\hat v_t}+\epsilon)`. Keras's Adam folds both corrections into
  the step size and adds :math:`\epsilon` to the uncorrected root (the paper's
  ":math:`\hat\epsilon`"), :math:`\eta\sqrt{1-\beta_2^t}/(1-\beta_1^t)\cdot m_t/(\sqrt{v_t}+\epsilon)`,
  which is torch's update with :math:`\epsilon_t=\epsilon/\sqrt{1-\beta_2^t}`. Keras's RMSprop and
  Adagrad and optax's RMSprop (by default) put it under the root, :math:`g/\sqrt{v+\epsilon}`;
* **momentum's form.** Keras keeps a velocity that already holds the learning rate,
  :math:`u_t=\mu u_{t-1}-\eta g_t,\ \theta_t=\theta_{t-1}+u_t`; torch keeps
  :math:`b_t=\mu b_{t-1}+g_t,\ \theta_t=\theta_{t-1}-\eta b_t`. With a constant :math:`\eta`,
  :math:`u_t=-\eta b_t` and the steps are the same; they part when :math:`\eta` changes;
* **weight decay.** Keras's ``weight_decay`` (every optimizer) and optax's ``adamw`` shrink the
  weights by :math:`1-\eta\lambda` (decoupled, times the learning rate, as torch's AdamW); torch's
  ``weight_decay`` elsewhere adds :math:`\lambda\theta` to the gradient;
* **schedules and maxima.** NAdam's momentum warm-up :math:`\mu_t=\beta_1(1-\tfrac12 0.96^{t\psi})`
  has :math:`\psi=0.004` in torch, :math:`\psi=1` in Keras and none (:math:`\mu_t=\beta_1`) in
  optax; AMSGrad's running maximum is taken before the bias correction in torch and Keras,
  after it in optax.

Keras keeps the learning rate in a variable of its ``floatx`` type (float32 unless
``keras.config.set_floatx("float64")``), whatever the parameters' dtype, and its torch backend
computes the weight-decay factor :math:`1-\eta\lambda` in that type; the maps reproduce both.
None of these classes is registered in ``optim.OPTIMIZERS``: they exist to be compared.
"""
from __future__ import annotations

import numpy as np

from .._checks import check_number
from ._common import lerp_
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adagrad_forms import KerasAdagrad
from .adam import Adam, AdamW
from .adamax import Adamax
from .base import Optimizer
from .lion import Lion
from .nadam import NAdam
from .radam import RAdam
from .rmsprop import RMSprop
from .sgd import SGD
from .yogi import Yogi

__all__ = ["KerasRMSprop", "KerasAdam", "KerasAdamax", "OptaxAMSGrad", "OptaxRAdam",
           "keras_equivalent", "optax_equivalent", "keras_lr", "NO_WARMUP", "KERAS", "OPTAX",
           "FORMS", "naive_port"]


class KerasRMSprop(Optimizer):
    r"""RMSprop as ``keras.optimizers.RMSprop`` (and ``optax.rmsprop``) compute it: :math:`\epsilon`
    under the root, momentum as a velocity holding the learning rate.

    .. math::
       \begin{aligned}
       &v_t \leftarrow \rho v_{t-1} + (1-\rho)\, g_t^2,
         \qquad \bar g_t \leftarrow \rho \bar g_{t-1} + (1-\rho)\, g_t \ \text{(centered)}\\
       &\Delta_t \leftarrow \eta\, g_t / \sqrt{v_t - \bar g_t^2 + \epsilon}
         \qquad (\bar g_t = 0 \text{ unless centered})\\
       &u_t \leftarrow \mu u_{t-1} + \Delta_t, \qquad \theta_t \leftarrow \theta_{t-1} - u_t
       \end{aligned}
    """

    defaults = dict(lr=1e-3, rho=0.9, momentum=0.0, eps=1e-7, centered=False)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["rho"] = check_number("rho", h["rho"], 0.0, 1.0)
        h["momentum"] = check_number("momentum", h["momentum"], 0.0, 1.0)
        return h

    def init_state(self, p):
        state = {"velocity": np.zeros_like(p)}
        if self.hyper["momentum"] > 0:
            state["momentum_buffer"] = np.zeros_like(p)
        if self.hyper["centered"]:
            state["average_gradient"] = np.zeros_like(p)
        return state

    def update(self, p, g, velocity, momentum_buffer=None, average_gradient=None, *, lr, rho,
               momentum, eps, centered):
        velocity[...] = rho * velocity + (1 - rho) * g * g
        if centered:
            average_gradient[...] = rho * average_gradient + (1 - rho) * g
            increment = lr * g / np.sqrt(velocity - average_gradient ** 2 + eps)
        else:
            increment = lr * g / np.sqrt(velocity + eps)
        if momentum > 0:
            momentum_buffer *= momentum
            momentum_buffer += increment          # the velocity already holds lr
            p -= momentum_buffer
        else:
            p -= increment


class KerasAdam(Optimizer):
    r"""Adam as ``keras.optimizers.Adam`` and ``AdamW`` compute it: both bias corrections in the
    step size, :math:`\epsilon` added to the uncorrected root (":math:`\hat\epsilon`").

    .. math::
       \begin{aligned}
       &\theta_{t-1} \leftarrow (1-\eta\lambda)\,\theta_{t-1} \quad (\text{weight decay, if } \lambda\ne 0)\\
       &m_t \leftarrow \beta_1 m_{t-1} + (1-\beta_1) g_t,
         \qquad v_t \leftarrow \beta_2 v_{t-1} + (1-\beta_2) g_t^2\\
       &\textbf{if } \textit{amsgrad}:\ v_t \leftarrow \max(v^{\max}_{t-1}, v_t) \ \text{(before any bias correction)}\\
       &\alpha_t \leftarrow \eta\,\sqrt{1-\beta_2^t}\,/\,(1-\beta_1^t),
         \qquad \theta_t \leftarrow \theta_{t-1} - \alpha_t\, m_t / (\sqrt{v_t} + \epsilon)
       \end{aligned}

    This is torch's Adam with :math:`\epsilon` replaced by :math:`\epsilon/\sqrt{1-\beta_2^t}`,
    31.6 times larger at the first step for :math:`\beta_2=0.999`.
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7, weight_decay=0.0, amsgrad=False)

    def init_state(self, p):
        state = {"momentum": np.zeros_like(p), "velocity": np.zeros_like(p)}
        if self.hyper["amsgrad"]:
            state["velocity_hat"] = np.zeros_like(p)
        return state

    def update(self, p, g, momentum, velocity, velocity_hat=None, *, lr, betas, eps,
               weight_decay, amsgrad, step):
        beta1, beta2 = betas
        if weight_decay:
            p *= 1 - lr * weight_decay
        alpha = lr * (1 - beta2 ** step) ** 0.5 / (1 - beta1 ** step)
        momentum += (g - momentum) * (1 - beta1)
        velocity += (g * g - velocity) * (1 - beta2)
        v = velocity
        if amsgrad:
            np.maximum(velocity_hat, velocity, out=velocity_hat)
            v = velocity_hat
        p -= momentum * alpha / (np.sqrt(v) + eps)


class KerasAdamax(Optimizer):
    r"""Adamax as ``keras.optimizers.Adamax`` computes it: :math:`\epsilon` added after the max,
    not inside it as torch and optax do.

    .. math::
       u_t \leftarrow \max(\beta_2 u_{t-1}, |g_t|), \qquad
       \theta_t \leftarrow \theta_{t-1} - \frac{\eta\, m_t}{(1-\beta_1^t)(u_t + \epsilon)}
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-7)

    def init_state(self, p):
        return {"momentum": np.zeros_like(p), "norm": np.zeros_like(p)}

    def update(self, p, g, momentum, norm, *, lr, betas, eps, step):
        beta1, beta2 = betas
        momentum += (g - momentum) * (1 - beta1)
        np.maximum(beta2 * norm, np.abs(g), out=norm)
        p -= lr * momentum / ((1 - beta1 ** step) * (norm + eps))


class OptaxAMSGrad(Optimizer):
    r"""AMSGrad as ``optax.amsgrad`` computes it: the running maximum of the *bias-corrected*
    second moment (torch and Keras take the maximum of :math:`v_t` itself).

    .. math::
       \hat v^{\max}_t \leftarrow \max\big(\hat v^{\max}_{t-1},\ v_t/(1-\beta_2^t)\big), \qquad
       \theta_t \leftarrow \theta_{t-1} - \eta\, \hat m_t / \big(\sqrt{\hat v^{\max}_t + \epsilon_{\text{root}}} + \epsilon\big)

    Early on :math:`v_t/(1-\beta_2^t)` can fall below an earlier value while :math:`v_t` rises,
    so the two maxima differ exactly in the first steps, where the correction is large.
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, eps_root=0.0)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["eps_root"] = check_number("eps_root", h["eps_root"], 0.0)
        return h

    def init_state(self, p):
        return {"mu": np.zeros_like(p), "nu": np.zeros_like(p), "nu_max": np.zeros_like(p)}

    def update(self, p, g, mu, nu, nu_max, *, lr, betas, eps, eps_root, step):
        beta1, beta2 = betas
        mu[...] = beta1 * mu + (1 - beta1) * g
        nu[...] = beta2 * nu + (1 - beta2) * g * g
        np.maximum(nu_max, nu / (1 - beta2 ** step), out=nu_max)
        p -= lr * (mu / (1 - beta1 ** step)) / (np.sqrt(nu_max + eps_root) + eps)


class OptaxRAdam(Optimizer):
    r"""RAdam as ``optax.radam`` computes it: :math:`\epsilon` after the *bias-corrected* root
    (torch adds it to the uncorrected one) and the adaptive step from :math:`\rho_t \ge 5`
    (torch: :math:`\rho_t > 5`).

    .. math::
       \theta_t \leftarrow \theta_{t-1} - \eta\, r_t\, \hat m_t / \big(\sqrt{\hat v_t+\epsilon_{\text{root}}} + \epsilon\big)
       \ \text{ if } \rho_t \ge 5, \quad \text{else } \theta_{t-1} - \eta\, \hat m_t
    """

    defaults = dict(lr=1e-3, betas=(0.9, 0.999), eps=1e-8, eps_root=0.0, threshold=5.0)

    @classmethod
    def validate(cls, h):
        h = super().validate(h)
        h["eps_root"] = check_number("eps_root", h["eps_root"], 0.0)
        h["threshold"] = check_number("threshold", h["threshold"])
        return h

    def init_state(self, p):
        return {"mu": np.zeros_like(p), "nu": np.zeros_like(p)}

    def update(self, p, g, mu, nu, *, lr, betas, eps, eps_root, threshold, step):
        beta1, beta2 = betas
        mu[...] = beta1 * mu + (1 - beta1) * g
        nu[...] = beta2 * nu + (1 - beta2) * g * g
        rho_inf = 2 / (1 - beta2) - 1
        b2t = beta2 ** step
        rho = rho_inf - 2 * step * b2t / (1 - b2t)
        mu_hat, nu_hat = mu / (1 - beta1 ** step), nu / (1 - b2t)
        if rho >= threshold:
            r = np.sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho))
            p -= lr * r * mu_hat / (np.sqrt(nu_hat + eps_root) + eps)
        else:
            p -= lr * mu_hat


#: the forms of this module (none is in ``optim.OPTIMIZERS``)
FORMS = (KerasRMSprop, KerasAdam, KerasAdamax, OptaxAMSGrad, OptaxRAdam)


# -- the maps ---------------------------------------------------------------------------------
#: a NAdam momentum decay so large that 0.96^(t psi) underflows to exactly 0.0 from t = 1:
#: mu_t = beta1 at every step, optax's NAdam (no warm-up)
NO_WARMUP = 1e5


#: Keras's float type (``keras.config.floatx()``), which its learning-rate variable takes
_FLOATX = {"float64": np.float64, "float32": np.float32}
_floatx = "float64"


def keras_lr(lr: float) -> float:
    """The learning rate Keras uses: its variable's value (of Keras's ``floatx``), as a float64."""
    return float(_FLOATX[_floatx](lr))


def _keras_decay(lr: float, weight_decay) -> float:
    """The weight decay whose factor ``1 - lr * wd`` (float64) is Keras's float32 factor."""
    if not weight_decay:
        return 0.0
    f = _FLOATX[_floatx]
    factor = f(1) - f(weight_decay) * f(lr)
    return float((1.0 - float(factor)) / keras_lr(lr))


def _keras_sgd(learning_rate=0.01, momentum=0.0, nesterov=False):
    return SGD, dict(lr=keras_lr(learning_rate), momentum=momentum, nesterov=nesterov)


def _keras_adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
    return KerasAdagrad, dict(lr=keras_lr(learning_rate), eps=epsilon,
                              initial_accumulator_value=initial_accumulator_value)


def _keras_rmsprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    return KerasRMSprop, dict(lr=keras_lr(learning_rate), rho=rho, momentum=momentum,
                              eps=epsilon, centered=centered)


def _keras_adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7):
    return Adadelta, dict(lr=keras_lr(learning_rate), rho=rho, eps=epsilon)


def _keras_adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False,
                weight_decay=None):
    return KerasAdam, dict(lr=keras_lr(learning_rate), betas=(beta_1, beta_2), eps=epsilon,
                           amsgrad=amsgrad, weight_decay=_keras_decay(learning_rate, weight_decay))


def _keras_adamw(learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999,
                 epsilon=1e-7, amsgrad=False):
    return _keras_adam(learning_rate, beta_1, beta_2, epsilon, amsgrad, weight_decay)


def _keras_adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    return KerasAdamax, dict(lr=keras_lr(learning_rate), betas=(beta_1, beta_2), eps=epsilon)


def _keras_nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    # Keras's schedule is 0.96^t: torch's 0.96^(t psi) with psi = 1
    return NAdam, dict(lr=keras_lr(learning_rate), betas=(beta_1, beta_2), eps=epsilon,
                       momentum_decay=1.0)


def _keras_lion(learning_rate=0.001, beta_1=0.9, beta_2=0.99, weight_decay=None):
    return Lion, dict(lr=keras_lr(learning_rate), betas=(beta_1, beta_2),
                      weight_decay=_keras_decay(learning_rate, weight_decay))


def _optax_sgd(learning_rate, momentum=None, nesterov=False):
    return SGD, dict(lr=learning_rate, momentum=momentum or 0.0, nesterov=nesterov)


def _optax_adagrad(learning_rate, initial_accumulator_value=0.1, eps=1e-7):
    return KerasAdagrad, dict(lr=learning_rate, eps=eps,
                              initial_accumulator_value=initial_accumulator_value)


def _optax_rmsprop(learning_rate, decay=0.9, eps=1e-8, initial_scale=0.0, eps_in_sqrt=True,
                   centered=False, momentum=None, nesterov=False, bias_correction=False):
    if initial_scale or nesterov or bias_correction:
        raise ValueError("optax_equivalent maps rmsprop with initial_scale=0, nesterov=False and "
                         "bias_correction=False only (optimlib has no other form)")
    if eps_in_sqrt:
        return KerasRMSprop, dict(lr=learning_rate, rho=decay, eps=eps, momentum=momentum or 0.0,
                                  centered=centered)
    return RMSprop, dict(lr=learning_rate, alpha=decay, eps=eps, momentum=momentum or 0.0,
                         centered=centered)


def _optax_adadelta(learning_rate=None, rho=0.9, eps=1e-6, weight_decay=0.0):
    return Adadelta, dict(lr=1.0 if learning_rate is None else learning_rate, rho=rho, eps=eps,
                          weight_decay=weight_decay)


def _no_eps_root(eps_root):
    if eps_root:
        raise ValueError("optax_equivalent maps eps_root=0 only: with eps_root > 0 the root "
                         "holds a second epsilon that torch's form lacks")


def _optax_adam(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, nesterov=False):
    _no_eps_root(eps_root)
    if nesterov:
        return _optax_nadam(learning_rate, b1, b2, eps)
    return Adam, dict(lr=learning_rate, betas=(b1, b2), eps=eps)


def _optax_adamw(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, weight_decay=1e-4):
    _no_eps_root(eps_root)
    return AdamW, dict(lr=learning_rate, betas=(b1, b2), eps=eps, weight_decay=weight_decay)


def _optax_amsgrad(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0):
    return OptaxAMSGrad, dict(lr=learning_rate, betas=(b1, b2), eps=eps, eps_root=eps_root)


def _optax_adamax(learning_rate, b1=0.9, b2=0.999, eps=1e-8):
    return Adamax, dict(lr=learning_rate, betas=(b1, b2), eps=eps)


def _optax_nadam(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0):
    _no_eps_root(eps_root)
    return NAdam, dict(lr=learning_rate, betas=(b1, b2), eps=eps, momentum_decay=NO_WARMUP)


def _optax_radam(learning_rate, b1=0.9, b2=0.999, eps=1e-8, eps_root=0.0, threshold=5.0):
    return OptaxRAdam, dict(lr=learning_rate, betas=(b1, b2), eps=eps, eps_root=eps_root,
                            threshold=threshold)


def _optax_lion(learning_rate, b1=0.9, b2=0.99, weight_decay=1e-3):
    # optax adds weight_decay * p to the signed direction, then scales by -lr: (1 - lr*wd) p
    return Lion, dict(lr=learning_rate, betas=(b1, b2), weight_decay=weight_decay)


def _optax_yogi(learning_rate, b1=0.9, b2=0.999, eps=1e-3):
    return Yogi, dict(lr=learning_rate, betas=(b1, b2), eps=eps)


#: Keras 3 class name -> its map; each map's keyword defaults are Keras's (a test checks them)
KERAS = {"SGD": _keras_sgd, "Adagrad": _keras_adagrad, "RMSprop": _keras_rmsprop,
         "Adadelta": _keras_adadelta, "Adam": _keras_adam, "AdamW": _keras_adamw,
         "Adamax": _keras_adamax, "Nadam": _keras_nadam, "Lion": _keras_lion}
#: optax function name -> its map; each map's keyword defaults are optax's (a test checks them)
OPTAX = {"sgd": _optax_sgd, "adagrad": _optax_adagrad, "rmsprop": _optax_rmsprop,
         "adadelta": _optax_adadelta, "adam": _optax_adam, "adamw": _optax_adamw,
         "amsgrad": _optax_amsgrad, "adamax": _optax_adamax, "nadam": _optax_nadam,
         "radam": _optax_radam, "lion": _optax_lion, "yogi": _optax_yogi}


def _lookup(table: dict, framework: str, name: str):
    if not isinstance(name, str):
        raise TypeError(f"name must be a {framework} optimizer's name (a str), got {type(name).__name__}")
    if name not in table:
        raise ValueError(f"{framework} optimizer {name!r} has no map here; the mapped ones are "
                         f"{sorted(table)}")
    return table[name]


def _build(table, framework, name, params, kw) -> Optimizer:
    cls, hyper = _lookup(table, framework, name)(**kw)
    return cls(params, **hyper)


def keras_equivalent(name: str, params, *, floatx: str = "float64", **keras_kwargs) -> Optimizer:
    """The optimlib optimizer whose steps are ``keras.optimizers.<name>(**keras_kwargs)``'s, in
    Keras's spelling of the hyperparameters (``learning_rate``, ``beta_1``, ``epsilon``).

    ``floatx`` is Keras's float type (``keras.config.floatx()``): Keras keeps the learning rate
    in a variable of that type, so with Keras's default ``"float32"`` its 0.001 is
    ``float32(0.001)``, a relative 5e-8 away, and the maps round it the same way."""
    global _floatx
    if floatx not in _FLOATX:
        raise ValueError(f"floatx must be 'float64' or 'float32' (keras.config.floatx()), got {floatx!r}")
    old, _floatx = _floatx, floatx
    try:
        return _build(KERAS, "Keras", name, params, keras_kwargs)
    finally:
        _floatx = old


def optax_equivalent(name: str, params, **optax_kwargs) -> Optimizer:
    """The optimlib optimizer whose steps are ``optax.<name>(**optax_kwargs)``'s, in optax's
    spelling (``learning_rate``, ``b1``, ``b2``, ``eps``)."""
    return _build(OPTAX, "optax", name, params, optax_kwargs)


# -- the port that ignores the differences -----------------------------------------------------
#: framework spelling -> torch spelling, for :func:`naive_port`
_SPELLING = {"learning_rate": "lr", "epsilon": "eps", "rho": "rho", "decay": "alpha"}
_TORCH_CLASS = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adadelta": Adadelta,
                "adam": Adam, "adamw": AdamW, "amsgrad": Adam, "adamax": Adamax, "nadam": NAdam,
                "radam": RAdam, "lion": Lion, "yogi": Yogi}


def naive_port(framework: str, name: str, params, **kw) -> Optimizer:
    """What a port that ignores the differences computes: optimlib's torch-form class of the same
    name, given the framework's hyperparameter values under torch's names, at the framework's
    defaults for any value not given (``beta_1``/``b1`` -> ``betas[0]``, ``rho``/``decay`` ->
    RMSprop's ``alpha``, ``epsilon`` -> ``eps``; ``weight_decay`` as torch means it)."""
    table = _lookup({"keras": KERAS, "optax": OPTAX}, "framework", framework) if isinstance(
        framework, str) else None
    if table is None:
        raise TypeError(f"framework must be 'keras' or 'optax', got {framework!r}")
    import inspect
    fn = _lookup(table, framework, name)
    given = {k: p.default for k, p in inspect.signature(fn).parameters.items()
             if p.default is not inspect.Parameter.empty}
    given.update(kw)
    key = name.lower()
    cls = _TORCH_CLASS[key]
    h = {}
    for k, v in given.items():
        if v is None or k in ("nesterov",) and not v:
            continue
        if k in ("beta_1", "b1", "beta_2", "b2"):
            continue
        t = _SPELLING.get(k, k)
        if t == "rho" and cls is RMSprop:
            t = "alpha"
        if t in cls.defaults:
            h[t] = v
    if "betas" in cls.defaults:
        h["betas"] = (given.get("beta_1", given.get("b1", 0.9)),
                      given.get("beta_2", given.get("b2", cls.defaults["betas"][1])))
    if key == "amsgrad":
        h["amsgrad"] = True
    if framework == "optax" and name == "adadelta" and h.get("lr") is None:
        h["lr"] = 1.0
    return cls(params, **h)
