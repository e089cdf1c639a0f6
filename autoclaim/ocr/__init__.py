"""Document OCR: engines, document parsers and validators."""
