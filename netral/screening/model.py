"""The statistical part of screening: word and character n-gram features with a linear model
per category, trained by `netral train_screening`. Until a model is trained, `model_scores`
returns None and screening runs on its rules alone (the pages say so)."""

from __future__ import annotations


def model_scores(normalised_text: str) -> dict[str, float] | None:
    """Each category's probability for one normalised post, or None without a trained model."""
    return None
