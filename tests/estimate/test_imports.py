"""The estimate package stays light: no torch, FastAPI or SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys


def test_estimate_imports_no_heavy_or_layer_packages() -> None:
    code = (
        "import sys, autoclaim.estimate, autoclaim.estimate.commands\n"
        "bad = [m for m in ('torch', 'fastapi', 'sqlalchemy') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
