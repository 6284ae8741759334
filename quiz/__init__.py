"""quiz: LLM / transformer interview questions with spaced repetition and runnable proofs."""

__version__ = "0.1.0"
