"""parse: any article file in, clean text and metadata out."""

from worker.pipeline.parse.core import parse_document
from worker.pipeline.parse.model import BadInput, Block, ParsedArticle, RemovedBlock

__all__ = ["BadInput", "Block", "ParsedArticle", "RemovedBlock", "parse_document"]
