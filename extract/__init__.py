"""extract: validated, source-grounded Meetings, Agreements, Quotes and Commitments from news."""

from extract._version import __version__
from extract.api import aextract_article, estimate, extract_article, extract_many
from extract.articles import Article
from extract.consolidation import Consolidation, consolidate
from extract.costs import Estimate, StrategyEstimate
from extract.errors import (
    BackendError,
    BudgetError,
    ConfigError,
    ExtractError,
    ExtractionError,
    InputError,
    OutputError,
    RecordingError,
    ReplayMissError,
    SchemaError,
)
from extract.evaluation.evaluate import EvaluationReport, evaluate
from extract.models import (
    Agreement,
    ArticleExtraction,
    Commitment,
    ExtractionResult,
    GoldenDocument,
    Meeting,
    Quote,
    Rejected,
    Usage,
)
from extract.run_manifest import RunManifest
from extract.schemas import validation_errors
from extract.settings import Settings

__all__ = [
    "Agreement",
    "Article",
    "ArticleExtraction",
    "BackendError",
    "BudgetError",
    "Commitment",
    "ConfigError",
    "Consolidation",
    "Estimate",
    "EvaluationReport",
    "ExtractError",
    "ExtractionError",
    "ExtractionResult",
    "GoldenDocument",
    "InputError",
    "Meeting",
    "OutputError",
    "Quote",
    "RecordingError",
    "Rejected",
    "ReplayMissError",
    "RunManifest",
    "SchemaError",
    "Settings",
    "StrategyEstimate",
    "Usage",
    "__version__",
    "aextract_article",
    "consolidate",
    "estimate",
    "evaluate",
    "extract_article",
    "extract_many",
    "validation_errors",
]
