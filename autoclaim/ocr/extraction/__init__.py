"""Learned field extraction for receipts: candidates and features (`candidates`), the shipped
scorer and its loader (`model`), fitting and measuring it (`training`, `scoring`), and the
labelled receipts it learns from (`corpus`). See docs/receipt-extractor.md."""
