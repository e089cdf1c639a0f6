"""Document OCR: engines, document parsers and validators.

`read_document(data, filename, doc_type)` is the entry point; see `autoclaim.ocr.types` for
what it returns and `autoclaim.ocr.errors` for what it raises.
"""

from autoclaim.ocr.reader import read_document

__all__ = ["read_document"]
