"""Vision inference: pre-process, model, post-process, explanations."""

from autoclaim.inference.errors import ImageError
from autoclaim.inference.predictor import Explanation, Predictor
from autoclaim.inference.types import Finding, PhotoAssessment, QualityWarning

__all__ = [
    "Explanation",
    "Finding",
    "ImageError",
    "PhotoAssessment",
    "Predictor",
    "QualityWarning",
]
