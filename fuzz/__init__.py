"""Fuzzing harness for the readers and parse_bytes (see harness.py; run by tests/test_fuzz_readers.py)."""
