"""Accounting identities: one function per identity, each result a value with a stable slug."""

from __future__ import annotations

from .base import CheckResult
from .registry import ALL_CHECKS, run_checks

__all__ = ["ALL_CHECKS", "CheckResult", "run_checks"]
