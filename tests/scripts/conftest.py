"""Shared pytest setup: import scripts/ as modules, locate the fixtures."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCRIPTS = os.path.join(ROOT, "scripts")
FIX = os.path.join(HERE, "fixtures")
sys.path.insert(0, SCRIPTS)

# Headless plotting in every test.
os.environ.setdefault("MPLBACKEND", "Agg")


def fixture(*parts):
    return os.path.join(FIX, *parts)


@pytest.fixture
def fx():
    return fixture
