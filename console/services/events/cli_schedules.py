"""`opsdeck events next|describe EXPRESSION`: exact next fires and the English of a schedule expression."""

from __future__ import annotations
