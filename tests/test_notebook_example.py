"""README's notebook example runs as written against ``pip install .`` (the engine without the app)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_example() -> str:
    """Return the Python block of README's "In a notebook" section."""
    section = ROOT.joinpath("README.md").read_text(encoding="utf-8").split("## In a notebook", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_notebook_example_runs_on_the_installed_package(tmp_path):
    source = tmp_path / "src"  # a copy: building writes into the tree it builds
    source.mkdir()
    shutil.copy(ROOT / "pyproject.toml", source)
    shutil.copytree(ROOT / "lstm_viz", source / "lstm_viz", ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--target", str(site), str(source)], check=True, capture_output=True)
    assert (site / "lstm_viz" / "i18n" / "translated.json").exists() and not (site / "pages").exists()

    # Run from a folder holding only the sample, so lstm_viz can come from nowhere but the install;
    # .show() is replaced by a note of what would have been shown.
    work = tmp_path / "work"
    shutil.copytree(ROOT / "sample_data", work / "sample_data")
    script = ("import plotly.graph_objects as go\nshown = []\ngo.Figure.show = lambda fig, *a, **k: shown.append(fig)\n"
              + readme_example()
              + "\nimport lstm_viz\nprint('FROM', lstm_viz.__file__)\n"
              + "print('SHOWN', [sum(t.type == 'heatmap' for t in fig.data) for fig in shown])\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=work, capture_output=True, text=True, timeout=600,
                          env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"FROM {site}" in done.stdout
    heatmaps = eval(done.stdout.split("SHOWN ", 1)[1].splitlines()[0])  # noqa: S307 - a list of ints we printed
    assert heatmaps[0] == 6 and heatmaps[1] == 0  # the gates figure: f, i, o, g, c, h; then the forecast
    assert "RMSE" in done.stdout and "LSTM" in done.stdout  # the scores table was printed
